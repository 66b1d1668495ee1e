// Issue 14: a dead service must be visible. `npm run status` (infra/status.sh) against a private
// state dir, with a stand-in for the writer: ready, not ready, then killed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, pollUntil } from '@pa/testing';

const REPO = resolve(__dirname, '../..');
const SERVICE = join(__dirname, 'fixtures/slow-stop-service.cjs');

interface Run {
  code: number | null;
  stdout: string;
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', `set -euo pipefail; ${script}`], { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

/** The writer's row of the status table: [state, pid]. */
function writerRow(run: Run): [string, string] {
  const line = run.stdout.split('\n').find((l) => l.startsWith('writer '));
  if (!line) throw new Error(`no writer row in:\n${run.stdout}`);
  const [, state, pid] = line.split(/\s+/);
  return [state, pid];
}

describe('infra-issue-14: npm run status', () => {
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  const pids = new Set<number>();

  beforeEach(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'pa-infra-status-'));
    port = await freePort();
    // Ports nobody listens on, so the real stack's Zipkin and Prometheus are never asked.
    env = { PA_STATE_DIR: stateDir, DUMMY_PORT: String(port), ZIPKIN_PORT: String(await freePort()), PROMETHEUS_PORT: String(await freePort()) };
  });

  afterEach(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    pids.clear();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function startWriter(extraEnv: NodeJS.ProcessEnv): Promise<number> {
    const started = await bash(
      `. infra/lib/common.sh; . infra/lib/apps.sh; start_app writer - -- ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVICE)}; ` +
        `echo http://127.0.0.1:${port}/readyz >"$PA_RUN_DIR/writer.ready"`,
      { ...env, ...extraEnv },
    );
    expect(started.code).toBe(0);
    const pid = Number(/writer: started \(pid (\d+)\)/.exec(started.stdout)?.[1]);
    pids.add(pid);
    return pid;
  }

  it('lists every service of the stack, and says which are not up in one line, exit 1', async () => {
    const pid = await startWriter({});
    const run = await bash('bash infra/status.sh', env);
    expect(run.code).toBe(1);
    expect(writerRow(run)).toEqual(['ready', String(pid)]);
    for (const name of ['pg-shard-0', 'pg-shard-1', 'kafka', 'zipkin', 'ingest-gateway', 'summarizer', 'query-api', 'lifecycle', 'collector', 'fleet']) {
      expect(run.stdout).toMatch(new RegExp(`^${name}\\s+down\\s+-\\s+not running`, 'm'));
    }
    const verdict = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(verdict).toMatch(/^status: NOT ALL UP: \d+ of \d+: pg-shard-0 \(down\)/);
    expect(verdict).not.toContain('writer');
  }, 30_000);

  it('a process that runs but fails /readyz is "unready"; once killed it is "down" (and with it the whole stack)', async () => {
    const pid = await startWriter({ DUMMY_STATUS: '503' });
    const unready = await bash('bash infra/status.sh', env);
    expect(writerRow(unready)).toEqual(['unready', String(pid)]);
    expect(unready.stdout).toContain('writer (unready)');

    process.kill(pid, 'SIGKILL');
    const tsv = await pollStatus(env, (rows) => rows.get('writer')?.[0] === 'down');
    expect(tsv.get('writer')).toEqual(['down', '-']);
    const down = await bash('bash infra/status.sh', env);
    expect(down.code).toBe(1);
    expect(writerRow(down)).toEqual(['down', '-']);
    // Nothing of this state dir runs any more: the verdict says so rather than listing all of it.
    // (11 services where Prometheus is not installed, 12 where it is.)
    expect(down.stdout.trim().split('\n').at(-1)).toMatch(/^status: NOT RUNNING: none of the 1[12] services runs; npm start starts the stack$/);
  }, 30_000);
});

/** `status.sh --tsv` as name → [state, pid], read until `isDone` (a SIGKILL is not synchronous). */
async function pollStatus(env: NodeJS.ProcessEnv, isDone: (rows: Map<string, [string, string]>) => boolean): Promise<Map<string, [string, string]>> {
  return pollUntil(
    async () => {
      const run = await bash('bash infra/status.sh --tsv', env);
      const rows = run.stdout.trim().split('\n').map((line) => line.split('\t'));
      return new Map(rows.map(([name, state, pid]) => [name, [state, pid]]));
    },
    isDone,
    { timeoutMs: 10_000, what: 'status to show the writer down' },
  );
}

// Issue 14: `npm start` right after a service was sent SIGTERM said "already running" while that
// process drained, and then nothing ran. These run the real infra/lib scripts (start_app,
// stop_pidfile) against a stand-in service whose SIGTERM handler takes 3 s to exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, pollUntil } from '@pa/testing';

const REPO = resolve(__dirname, '../..');
const SERVICE = join(__dirname, 'fixtures/slow-stop-service.cjs');
const STOP_MS = 3000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bash snippet with infra/lib/common.sh and apps.sh sourced, as start.sh does. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', `set -euo pipefail; . infra/lib/common.sh; . infra/lib/apps.sh; ${script}`], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0): it is dead for our purposes.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return !/^State:\s+Z/m.test(status);
}

function startedPid(run: Run): number {
  const match = /dummy: started \(pid (\d+)\)/.exec(run.stdout);
  if (!match) throw new Error(`no "started" line: ${JSON.stringify(run)}`);
  return Number(match[1]);
}

async function readyzBody(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return res.text();
}

describe('infra-issue-14: start right after SIGTERM', () => {
  let stateDir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let startApp: string;
  const pids = new Set<number>();

  beforeEach(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'pa-infra-sigterm-'));
    port = await freePort();
    env = { PA_STATE_DIR: stateDir, DUMMY_PORT: String(port), DUMMY_STOP_MS: String(STOP_MS), APP_STOP_TIMEOUT_S: '10' };
    startApp = `start_app dummy http://127.0.0.1:${port}/readyz -- ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVICE)}`;
  });

  afterEach(() => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    pids.clear();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const pidFile = () => join(stateDir, 'run/dummy.pid');
  const logSays = (text: string) => async () => existsSync(join(stateDir, 'log/dummy.log')) && readFileSync(join(stateDir, 'log/dummy.log'), 'utf8').includes(text);

  async function startFirst(extraEnv: NodeJS.ProcessEnv = {}): Promise<number> {
    const first = await bash(startApp, { ...env, ...extraEnv });
    expect(first.code).toBe(0);
    const pid = startedPid(first);
    pids.add(pid);
    expect(await readyzBody(port)).toBe(String(pid));
    return pid;
  }

  it('a running, ready service is left alone ("already running")', async () => {
    const pid = await startFirst();
    const again = await bash(startApp, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`dummy: already running (pid ${pid})`);
    expect(await readyzBody(port)).toBe(String(pid));
  }, 30_000);

  it('after an outside SIGTERM (listener closed, still draining) it waits for the exit, then starts a new one', async () => {
    const old = await startFirst({ DUMMY_CLOSE_ON_TERM: '1' });
    process.kill(old, 'SIGTERM');
    await pollUntil(logSays('SIGTERM'), Boolean, { timeoutMs: 10_000, what: 'the service to take the SIGTERM' });
    expect(isAlive(old)).toBe(true);

    const t0 = Date.now();
    const restart = await bash(startApp, { ...env, DUMMY_CLOSE_ON_TERM: '1' });
    expect(restart.code).toBe(0);
    const fresh = startedPid(restart);
    pids.add(fresh);
    expect(restart.stdout).not.toContain('already running');
    expect(restart.stderr).toContain(`dummy: pid ${old} exited while we waited`);
    expect(fresh).not.toBe(old);
    expect(isAlive(old)).toBe(false);
    expect(isAlive(fresh)).toBe(true);
    expect(await readyzBody(port)).toBe(String(fresh));
    // It really waited for the drain (the old process held on for STOP_MS after the signal).
    expect(Date.now() - t0).toBeGreaterThan(STOP_MS / 2);
  }, 60_000);

  it('an app without a readiness URL (the collector) that logged its SIGTERM is waited for, then replaced', async () => {
    const noUrl = startApp.replace(`http://127.0.0.1:${port}/readyz`, '-');
    const first = await bash(noUrl, env);
    expect(first.code).toBe(0);
    const old = startedPid(first);
    pids.add(old);
    process.kill(old, 'SIGTERM');
    await pollUntil(logSays('SIGTERM: stopping'), Boolean, { timeoutMs: 10_000, what: 'the service to log its SIGTERM' });

    const restart = await bash(noUrl, env);
    expect(restart.code).toBe(0);
    const fresh = startedPid(restart);
    pids.add(fresh);
    expect(restart.stdout).not.toContain('already running');
    expect(restart.stderr).toContain(`dummy: pid ${old} exited while we waited`);
    expect(isAlive(old)).toBe(false);
    expect(isAlive(fresh)).toBe(true);
  }, 60_000);

  it('while stop_pidfile (npm stop) waits on a service that still answers /readyz, a start waits for it to exit and keeps its own pid file', async () => {
    const old = await startFirst();
    const stopping = bash(`stop_pidfile dummy ${JSON.stringify(pidFile())} 10`, env);
    await pollUntil(logSays('SIGTERM'), Boolean, { timeoutMs: 10_000, what: 'the service to take the SIGTERM' });
    // Still draining and still answering readiness: only the stopping marker tells it apart.
    expect(await readyzBody(port)).toBe(String(old));

    const restart = await bash(startApp, env);
    expect(restart.code).toBe(0);
    const fresh = startedPid(restart);
    pids.add(fresh);
    expect(restart.stdout).not.toContain('already running');
    expect(restart.stderr).toContain(`dummy: pid ${old} is stopping; waiting for it to exit`);
    expect(isAlive(old)).toBe(false);

    const stop = await stopping;
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`dummy: stopped (pid ${old})`);
    // The stop that finished after the new start did not remove the new start's pid file.
    expect(readFileSync(pidFile(), 'utf8').trim()).toBe(String(fresh));
    expect(existsSync(join(stateDir, 'run/dummy.stopping'))).toBe(false);
    expect(await readyzBody(port)).toBe(String(fresh));
  }, 60_000);
});

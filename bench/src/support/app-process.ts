import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { appMain, repoRoot } from './paths';

export type AppName = 'ingest-gateway' | 'writer' | 'summarizer' | 'query-api' | 'collector';

/**
 * One of our apps as a child process, run from the compiled tree as `npm start` runs it. Its output
 * goes to `<logDir>/bench-<label>.log`, so a failed measurement can be looked into afterwards.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  readonly logPath: string;

  constructor(
    readonly app: AppName,
    private readonly env: Record<string, string>,
    logDir: string,
    readonly label: string = app,
    private readonly args: string[] = [],
    /** another compiled tree's apps/ to run the app from (a baseline build), instead of this one's */
    private readonly buildRoot?: string,
  ) {
    this.logPath = join(logDir, `bench-${label}.log`);
  }

  start(): this {
    const log = createWriteStream(this.logPath);
    this.child = spawn(process.execPath, [...profileArgs(this.label), appMain(this.app, this.buildRoot), ...this.args], { cwd: repoRoot(), env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Both streams into one file: pipe() would end the file with whichever closes first, and the
    // other's next line would then throw "write after end" in the bench (it did, under --trace-gc).
    this.child.stdout?.pipe(log, { end: false });
    this.child.stderr?.pipe(log, { end: false });
    this.child.once('close', () => log.end());
    log.on('error', (error) => console.error(`bench: log ${this.logPath}: ${error.message}`));
    return this;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get hasExited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves with the exit code once the process ends by itself (a CLI run such as the collector). */
  async exited(): Promise<number> {
    if (!this.child) throw new Error(`${this.label} was not started`);
    if (this.hasExited) return this.child.exitCode ?? 1;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code ?? 1;
  }

  /** Polls GET `url` every 50 ms until 200; throws (naming the log) if the process exits or time runs out. */
  async waitReady(url: string, timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.hasExited) throw new Error(`${this.label} exited before it was ready; see ${this.logPath}`);
      if ((await fetch(url).then((r) => r.status, () => 0)) === 200) return this;
      if (Date.now() > deadline) throw new Error(`${this.label} not ready at ${url} after ${timeoutMs} ms; see ${this.logPath}`);
      await sleep(50);
    }
  }

  /** SIGTERM (the apps flush and commit on it), SIGKILL after 20 s; resolves once gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.hasExited) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * With BENCH_CPU_PROF_DIR set, every app runs under V8's sampling profiler and leaves
 * `<dir>/<label>.cpuprofile` when it exits (not after SIGKILL). Node refuses --cpu-prof in NODE_OPTIONS.
 */
function profileArgs(label: string): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** An unused TCP port on 127.0.0.1, asked of the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Reads until `isDone(value)`; throws with `what` after `timeoutMs`. For effects, never fixed sleeps. */
export async function pollUntil<T>(read: () => Promise<T>, isDone: (v: T) => boolean, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value)})`);
    await sleep(intervalMs);
  }
}

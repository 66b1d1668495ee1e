import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PG_SERVICE_ROLE, pgPasswordFile } from '@pa/config';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * One of our apps running as a real child process (built code from dist/), as in production.
 * Output is kept so that a failing test can show the service's log.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  /** the end of the output so far, so that a match split across two chunks is still found */
  private tail = '';
  private readonly watches: { pattern: RegExp; found: string[] }[] = [];
  private baseUrl = '';
  private isStopping = false;

  constructor(
    readonly app: 'ingest-gateway' | 'writer' | 'collector' | 'summarizer' | 'query-api' | 'lifecycle',
    private readonly env: Record<string, string>,
    private readonly args: string[] = [],
  ) {}

  start(): this {
    const main = resolve(REPO_ROOT, 'dist', 'apps', this.app, 'src', 'main.js');
    this.child = spawn(process.execPath, [main, ...this.args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.roleEnv(), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
      this.scan(chunk.toString());
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.isStopping = false;
    // A service that dies in the middle of a test is the first thing to know about when it fails:
    // its log goes to stderr at once (jest shows it with the failure).
    this.child.once('exit', (code, signal) => {
      if (!this.isStopping && signal !== 'SIGKILL') process.stderr.write(`${this.app} exited by itself (${code ?? signal}); its log:\n${this.log()}\n`);
    });
    return this;
  }

  /**
   * The app's own PostgreSQL role, as infra/lib/apps.sh starts it, when the test runs with a
   * password file (PG_PASSWORD_FILE, the owner's) beside which that role's file lies: the suites
   * then prove each service works with its grants. An env of the test naming PG_USER wins.
   */
  private roleEnv(): Record<string, string> {
    const role = (PG_SERVICE_ROLE as Record<string, string>)[this.app];
    const ownerFile = process.env.PG_PASSWORD_FILE;
    if (!role || !ownerFile) return {};
    const file = pgPasswordFile(dirname(ownerFile), role);
    return existsSync(file) ? { PG_USER: role, PG_PASSWORD_FILE: file } : {};
  }

  /** Waits until GET `url` answers 200; fails at once, with the log, if the process exits. */
  async waitReady(url: string, timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    this.baseUrl = new URL(url).origin;
    for (;;) {
      if (this.child?.exitCode !== null || this.child?.signalCode !== null) {
        throw new Error(`${this.app} exited (${this.child?.exitCode ?? this.child?.signalCode}) before ready:\n${this.log()}`);
      }
      const status = await fetch(url).then((r) => r.status, () => 0);
      if (status === 200) return this;
      if (Date.now() > deadline) throw new Error(`${this.app} not ready at ${url} after ${timeoutMs} ms:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `path` on the origin of the readiness URL. */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the process ended: its exit code, or the signal that ended it; undefined while it runs. */
  get exitStatus(): number | NodeJS.Signals | undefined {
    return this.child?.exitCode ?? this.child?.signalCode ?? undefined;
  }

  log(): string {
    return this.output.slice(-8_000);
  }

  /**
   * Collects every match of `pattern` (its `g` flag is added) in all output from now on, beyond
   * what log() keeps: the returned array fills as the process writes. Matches up to 256 characters.
   */
  watchOutput(pattern: RegExp): string[] {
    const found: string[] = [];
    this.watches.push({ pattern: new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), found });
    return found;
  }

  private scan(chunk: string): void {
    if (this.watches.length === 0) return;
    const text = this.tail + chunk;
    for (const { pattern, found } of this.watches) {
      // A match that ends inside the old tail was found with the previous chunk.
      for (const match of text.matchAll(pattern)) if (match.index + match[0].length > this.tail.length) found.push(match[0]);
    }
    this.tail = text.slice(-256);
  }

  /** Stops the process with `signal` and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.isStopping = true;
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

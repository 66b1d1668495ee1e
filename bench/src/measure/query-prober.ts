import { sleep } from '../support/app-process';
import { timedGet } from './query-timing';

/** One probe: when it was sent (epoch ms), how long its answer took, and its status. */
export interface Probe {
  atMs: number;
  ms: number;
  status: number;
  path: string;
}

/**
 * Analysts' reads while something else goes on: `paths` of the query API in turn, one request at a
 * time with `pauseMs` between, until `stop` is called; every answer recorded (a non-200 too).
 */
export class QueryProber {
  readonly probes: Probe[] = [];
  private isStopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly paths: string[],
    private readonly pauseMs = 50,
  ) {}

  start(): this {
    this.loop = (async () => {
      for (let i = 0; !this.isStopped; i++) {
        const path = this.paths[i % this.paths.length];
        const atMs = Date.now();
        const answer = await timedGet(this.baseUrl + path).catch(() => ({ ms: Date.now() - atMs, status: 0 }));
        this.probes.push({ atMs, ms: answer.ms, status: answer.status, path });
        await sleep(this.pauseMs);
      }
    })();
    return this;
  }

  async stop(): Promise<Probe[]> {
    this.isStopped = true;
    await this.loop;
    return this.probes;
  }
}

import { buildSnapshot } from '@pa/testing';
import { Pipeline } from './pipeline';

export interface LoadResult {
  accepted: number;
  rows: number;
  rejected: number;
}

/**
 * Posts `snapshots` snapshots of `processes` processes for `machines` machines, `perRequest` at a
 * time, as NDJSON; retries a 503 like a collector would. `onProgress` sees the count sent so far.
 */
export async function postLoad(
  pipeline: Pipeline,
  options: { machines: string[]; snapshots: number; processes: number; perRequest: number },
  onProgress: (sent: number) => Promise<void> = async () => undefined,
): Promise<LoadResult> {
  const result: LoadResult = { accepted: 0, rows: 0, rejected: 0 };
  const start = Date.now() - options.snapshots * 1000;
  for (let sent = 0; sent < options.snapshots; sent += options.perRequest) {
    const n = Math.min(options.perRequest, options.snapshots - sent);
    const lines = Array.from({ length: n }, (_, i) => {
      const k = sent + i;
      return JSON.stringify(buildSnapshot(options.machines[k % options.machines.length], options.processes, start + k * 10));
    });
    const body = lines.join('\n');
    for (let attempt = 0; ; attempt++) {
      const response = await pipeline.post(body, { 'content-type': 'application/x-ndjson' });
      if (response.status === 202) {
        result.accepted += n;
        result.rows += n * options.processes;
        break;
      }
      if (response.status !== 503 || attempt > 20) {
        result.rejected += n;
        break;
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    await onProgress(sent + n);
  }
  return result;
}

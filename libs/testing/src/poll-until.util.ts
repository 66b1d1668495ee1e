export interface PollOptions {
  /** give up after this long, ms */
  timeoutMs: number;
  /** pause between reads, ms */
  intervalMs?: number;
  /** what we were waiting for, for the timeout message */
  what?: string;
}

/**
 * Reads until `isDone(value)` holds and returns that value; throws with the last value seen
 * when time runs out. Tests wait for effects this way, never with fixed sleeps.
 */
export async function pollUntil<T>(read: () => Promise<T>, isDone: (value: T) => boolean, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (isDone(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? ` (last error: ${(lastError as Error).message})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'condition'}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

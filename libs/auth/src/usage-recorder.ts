/**
 * Remembers when each key was last used and writes it in the background every `flushMs` (a minute
 * by default), so last_used_at costs one UPDATE per minute per service, never a write per request.
 */
export class UsageRecorder {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (uses: ReadonlyMap<string, number>) => Promise<void>,
    private readonly warn: (message: string) => void,
    flushMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  record(keyId: string, nowMs: number): void {
    this.pending.set(keyId, nowMs);
  }

  async flush(): Promise<void> {
    const uses = this.pending;
    if (uses.size === 0) return;
    this.pending = new Map();
    await this.write(uses).catch((error: Error) => this.warn(`last_used_at of ${uses.size} keys not written: ${error.message}`));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

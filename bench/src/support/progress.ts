/**
 * Progress on stderr, one line per step with the time since the run began, so that a long run shows
 * where it is (and a log of it shows where the time went). The table goes to stdout.
 */
export class Progress {
  private readonly startedMs = Date.now();

  step(message: string): void {
    process.stderr.write(`[${this.elapsed()}] ${message}\n`);
  }

  /** Calls `report` every `everyMs` until the returned stop function is called. */
  every(everyMs: number, report: () => string | undefined): () => void {
    const timer = setInterval(() => {
      const line = report();
      if (line) this.step(`  … ${line}`);
    }, everyMs);
    return () => clearInterval(timer);
  }

  elapsedSeconds(): number {
    return (Date.now() - this.startedMs) / 1000;
  }

  private elapsed(): string {
    const s = Math.floor(this.elapsedSeconds());
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }
}

/** 1234567 → "1,234,567"; fractions kept to `digits`. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

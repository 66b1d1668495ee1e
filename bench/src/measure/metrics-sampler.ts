import { benchAuthHeaders } from '../support/bench-key';
import { HistogramScrape, parseHistograms } from './histogram-window';

/**
 * Scrapes an app's /metrics every `everyMs` and keeps the histograms named (split by `splitLabel`),
 * so that what they observed can be cut into windows afterwards (summarizeWindow). A failed
 * scrape is skipped: the windows around it are then read from the scrapes either side.
 */
export class MetricsSampler {
  readonly scrapes: HistogramScrape[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly metricsUrl: string,
    private readonly names: string[],
    private readonly splitLabel?: string,
    private readonly everyMs = 500,
  ) {}

  start(): this {
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), this.everyMs);
    return this;
  }

  /** Stops after one last scrape; resolves with every scrape taken. */
  async stop(): Promise<HistogramScrape[]> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.scrape();
    return this.scrapes;
  }

  private scrape(): Promise<void> {
    this.inFlight = (async () => {
      const page = await fetch(this.metricsUrl, { headers: benchAuthHeaders(), signal: AbortSignal.timeout(5_000) })
        .then((r) => (r.ok ? r.text() : undefined))
        .catch(() => undefined);
      if (page !== undefined) this.scrapes.push({ atMs: Date.now(), histograms: parseHistograms(page, this.names, this.splitLabel) });
    })();
    return this.inFlight;
  }
}

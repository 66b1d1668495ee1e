import { HistogramScrape } from '../measure/histogram-window';
import { ingestPauseRows } from './bucket-move.rows';

const PAUSE = 'pa_writer_ingest_pause_seconds';
const buckets = (counts: [number, number][]) => new Map(counts);
const scrape = (atMs: number, le1: number, le2: number, inf: number): HistogramScrape => ({
  atMs,
  histograms: new Map([[PAUSE, buckets([[1, le1], [2, le2], [Infinity, inf]])]]),
});
const times = { startedAtMs: 1_000, endedAtMs: 2_000, steps: new Map() };

describe('ingestPauseRows', () => {
  it('says MET when no pause during the move went over 2 s, and gives the bucket of the longest', () => {
    const [row] = ingestPauseRows({ times, rate: 10, source: 'x', scrapes: [scrape(0, 0, 0, 0), scrape(1_000, 5, 5, 5), scrape(2_000, 8, 9, 9)] });
    expect(row.figure).toBe('during the move 1–2 s: MET (0 of 4 commits over 2 s)');
    expect(row.baseline).toBe('before 0–1 s (0 of 5 over 2 s)');
  });

  it('says MISSED when one did', () => {
    const [row] = ingestPauseRows({ times, rate: 10, source: 'x', scrapes: [scrape(0, 0, 0, 0), scrape(1_000, 5, 5, 5), scrape(2_000, 8, 9, 10)] });
    expect(row.figure).toBe('during the move 2–∞ s: MISSED (1 of 5 commits over 2 s)');
  });
});

import { HistogramScrape, parseHistograms, summarizeWindow } from './histogram-window';

const PAGE = (a: number[], b: number[]) => `
# HELP pa_writer_ingest_pause_seconds x
# TYPE pa_writer_ingest_pause_seconds histogram
pa_writer_ingest_pause_seconds_bucket{le="0.5",shard="0"} ${a[0]}
pa_writer_ingest_pause_seconds_bucket{le="2",shard="0"} ${a[1]}
pa_writer_ingest_pause_seconds_bucket{le="5",shard="0"} ${a[2]}
pa_writer_ingest_pause_seconds_bucket{le="+Inf",shard="0"} ${a[3]}
pa_writer_ingest_pause_seconds_bucket{le="0.5",shard="1"} ${b[0]}
pa_writer_ingest_pause_seconds_bucket{le="2",shard="1"} ${b[1]}
pa_writer_ingest_pause_seconds_bucket{le="5",shard="1"} ${b[2]}
pa_writer_ingest_pause_seconds_bucket{le="+Inf",shard="1"} ${b[3]}
pa_writer_ingest_pause_seconds_sum{shard="1"} 12
pa_other_bucket{le="1"} 99`;

const NAME = 'pa_writer_ingest_pause_seconds';
const scrape = (atMs: number, a: number[], b: number[]): HistogramScrape => ({ atMs, histograms: parseHistograms(PAGE(a, b), [NAME]) });

describe('histogram windows', () => {
  it('sums label sets per bound and ignores other metrics', () => {
    expect([...(parseHistograms(PAGE([1, 2, 3, 4], [10, 20, 30, 40]), [NAME]).get(NAME) ?? [])]).toEqual([
      [0.5, 11],
      [2, 22],
      [5, 33],
      [Infinity, 44],
    ]);
  });

  it('keeps the series of one label value apart when asked', () => {
    const byShard = parseHistograms(PAGE([1, 2, 3, 4], [10, 20, 30, 40]), [NAME], 'shard');
    expect(byShard.get(`${NAME}{shard="1"}`)?.get(Infinity)).toBe(40);
    expect(byShard.get(NAME)?.get(Infinity)).toBe(44);
  });

  it('finds the bucket of the longest observation in a window and counts those over the bound', () => {
    const scrapes = [scrape(0, [5, 5, 5, 5], [0, 0, 0, 0]), scrape(1_000, [9, 9, 9, 9], [0, 0, 0, 0]), scrape(2_000, [9, 10, 11, 11], [1, 1, 1, 1]), scrape(3_000, [12, 13, 14, 14], [1, 1, 1, 1])];
    expect(summarizeWindow(scrapes, NAME, 0, 1_000, 2)).toEqual({ count: 4, longestAbove: 0, longestAtMost: 0.5, over: 0 });
    expect(summarizeWindow(scrapes, NAME, 1_000, 2_000, 2)).toEqual({ count: 3, longestAbove: 2, longestAtMost: 5, over: 1 });
    // A window between scrapes takes the scrapes around it: 500–2,500 ms reads 0 → 3,000.
    expect(summarizeWindow(scrapes, NAME, 500, 2_500, 2)).toEqual({ count: 10, longestAbove: 2, longestAtMost: 5, over: 1 });
  });

  it('says nothing was seen in a quiet window, and nothing at all without scrapes around it', () => {
    const scrapes = [scrape(0, [1, 1, 1, 1], [0, 0, 0, 0]), scrape(1_000, [1, 1, 1, 1], [0, 0, 0, 0])];
    expect(summarizeWindow(scrapes, NAME, 0, 1_000, 2)).toEqual({ count: 0, longestAbove: NaN, longestAtMost: NaN, over: 0 });
    expect(summarizeWindow(scrapes, NAME, -5, 1_000, 2)).toBeUndefined();
  });
});

import { createCommandLineScrubber } from '@pa/contracts';
import { CORPUS_EXTRA_WORDS, secretCorpus } from './secret-corpus';

describe('secretCorpus', () => {
  const { tag, lines } = secretCorpus();
  const scrub = createCommandLineScrubber({ extraWords: CORPUS_EXTRA_WORDS });

  it('has at least 300 lines, every secret unique and present in its raw line', () => {
    expect(lines.length).toBeGreaterThanOrEqual(300);
    const markers = lines.flatMap((l) => l.markers);
    expect(new Set(markers).size).toBe(markers.length);
    expect(lines.filter((l) => l.markers.length === 0 || !l.markers.every((m) => l.raw.includes(m)))).toEqual([]);
    expect(lines.filter((l) => l.scrubbed.includes(tag))).toEqual([]);
  });

  it('scrubs every line to exactly what it must store (secrets gone, everything else kept)', () => {
    const wrong = lines.filter((l) => scrub(l.raw) !== l.scrubbed).map((l) => ({ raw: l.raw, got: scrub(l.raw), want: l.scrubbed }));
    expect(wrong).toEqual([]);
  });

  it('scrubs a scrubbed line to itself', () => {
    expect(lines.filter((l) => scrub(l.scrubbed) !== l.scrubbed).map((l) => l.scrubbed)).toEqual([]);
  });

  it('keeps the secrets without the extra words only where the corpus needs them (requirepass, *pin*)', () => {
    const defaults = createCommandLineScrubber();
    const needing = lines.filter((l) => defaults(l.raw) !== l.scrubbed).map((l) => l.raw.split(' ')[0]);
    expect([...new Set(needing)].sort()).toEqual(['pinentry-bridge', 'redis-server']);
  });
});

import { ProcessSample } from '../process-snapshot';
import { createCommandLineScrubber } from '../scrubbing/command-line-scrubber';
import { scrubSnapshot } from '../scrubbing/scrub-snapshot';
import { checkSnapshot } from '../snapshot-validator';
import { TranscodeRules, transcodeJsonToV2 } from './json-to-v2';
import { encodeSnapshotV2 } from './snapshot-v2.codec';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const rules: TranscodeRules = { nowMs, retentionMs: 30 * 86_400_000, scrub: createCommandLineScrubber() };
const ts = new Date(nowMs - 60_000).toISOString();

function process(pid: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pid,
    ppid: 1,
    name: `proc-${pid}`,
    username: 'root',
    cmdline: `/usr/bin/proc-${pid} --flag é 日本 😀`,
    cpu_pct: 12.5,
    mem_pct: 0.1 + 0.2,
    rss_bytes: 4096,
    vms_bytes: 8192,
    threads: 3,
    state: 'S',
    io_read_bytes: 10,
    io_write_bytes: 3,
    start_time: '2026-01-01T00:00:00.123456Z',
    ...overrides,
  } satisfies Partial<Record<keyof ProcessSample, unknown>>;
}

function snapshotText(processes: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ machine_id: 'm-1', ts, ...extra, processes });
}

/** The usual way: JSON.parse, checkSnapshot, scrubSnapshot, encodeSnapshotV2; undefined when refused. */
function usual(text: string, r = rules): Buffer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const check = checkSnapshot(value, r);
  if (!check.ok) return undefined;
  if (r.scrub) scrubSnapshot(check.snapshot, r.scrub);
  return encodeSnapshotV2(check.snapshot);
}

/** Transcodes, and checks the answer is one the usual way gives (or a decline). */
function direct(text: string, r = rules): Buffer | undefined {
  // The text the gateway decodes from the bytes sent (a lone surrogate of `text` became U+FFFD, a BOM is dropped).
  const sent = new TextDecoder().decode(Buffer.from(text));
  const result = transcodeJsonToV2(sent, r);
  if (result) {
    const expected = usual(sent, r);
    expect(expected).toBeDefined();
    expect(result.v2.equals(expected as Buffer)).toBe(true);
    expect(result.machineId).toBe((JSON.parse(sent) as { machine_id: string }).machine_id);
  }
  return result?.v2;
}

describe('transcodeJsonToV2', () => {
  it('gives the bytes of the usual way for valid snapshots', () => {
    const texts = [
      snapshotText([process(1), process(2, { cmdline: 'mysql --password=hunter2 shop' }), process(3)]),
      snapshotText([process(1)], { batch_id: '0E9C4D1A-1B2C-4D3E-8F90-1234567890AB' }),
      snapshotText([process(1, { ppid: undefined, username: undefined, cmdline: undefined, vms_bytes: undefined, threads: undefined, state: undefined })]),
      snapshotText([process(1, { io_read_bytes: undefined, io_write_bytes: undefined, start_time: undefined, cmdline: '' })]),
      snapshotText([process(0, { cpu_pct: 0, mem_pct: 100, rss_bytes: Number.MAX_SAFE_INTEGER, threads: 10_000_000, ppid: 4_294_967_295 })]),
      snapshotText([process(1, { cpu_pct: 1 / 3, mem_pct: 12.000000000000002, start_time: '2026-01-01T01:00:00.1234565+01:00' })]),
      snapshotText([process(1, { name: 'n'.repeat(256), state: 's'.repeat(32), username: 'é'.repeat(256) })]),
      snapshotText([]),
      JSON.stringify({ machine_id: 'm-1', ts, processes: [process(1)] }, null, 2).replace(/\n/g, '\r\n\t'),
    ];
    for (const text of texts) expect(direct(text)).toBeDefined();
  });

  it('decodes escapes as JSON.parse does, and scrubs the cmdline after them', () => {
    const texts = [
      snapshotText([process(1, { cmdline: 'bash -c "echo \\"hi\\"\ttab" \u0001 \\u', name: 'a\\b', username: '😀\u00e9' })]),
      String.raw`{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1,"name":"\u0070\ud83d\ude00","cpu_pct":1,"mem_pct":1,"rss_bytes":1,"cmdline":"x --password\u003dhunter2"}]}`,
    ];
    for (const text of texts) expect(direct(text)).toBeDefined();
    const scrubbed = direct(texts[1]) as Buffer;
    expect(scrubbed.includes('hunter2')).toBe(false);
  });

  it('scrubs nothing when scrubbing is off', () => {
    const text = snapshotText([process(1, { cmdline: 'mysql --password=hunter2' })]);
    expect(direct(text, { ...rules, scrub: undefined })?.includes('hunter2')).toBe(true);
  });

  it('declines what the usual way refuses', () => {
    const refused = [
      '',
      '[]',
      '{}',
      snapshotText([process(1)]).slice(0, -1),
      snapshotText([process(1)]) + 'x',
      snapshotText([process(1)], { machine_id: '' }),
      snapshotText([process(1)], { machine_id: 'm 1' }),
      snapshotText([process(1)], { machine_id: 'm'.repeat(129) }),
      snapshotText([process(1)], { machine_id: 'é' }),
      snapshotText([process(1)], { machine_id: 1 }),
      `{"machine_id":"m-1","ts":"${ts}","processes":{}}`,
      snapshotText([process(1)], { ts: '2026-11-29 11:59:00Z' }),
      snapshotText([process(1)], { ts: new Date(nowMs + 6 * 60_000).toISOString() }),
      snapshotText([process(1)], { ts: new Date(nowMs - 31 * 86_400_000).toISOString() }),
      snapshotText([process(1)], { batch_id: 'urn:uuid:0e9c4d1a-1b2c-4d3e-8f90-1234567890ab' }),
      snapshotText([process(1, { pid: -1 })]),
      snapshotText([process(1, { pid: 4_294_967_296 })]),
      snapshotText([process(1, { pid: 1.5 })]),
      snapshotText([process(1, { pid: '1' })]),
      snapshotText([process(1, { rss_bytes: 2 ** 53 })]),
      snapshotText([process(1, { threads: 10_000_001 })]),
      snapshotText([process(1, { cpu_pct: 100_000.5 })]),
      snapshotText([process(1, { mem_pct: -0.5 })]),
      snapshotText([process(1, { mem_pct: null })]),
      snapshotText([process(1, { name: '' })]),
      snapshotText([process(1, { name: 'n'.repeat(257) })]),
      snapshotText([process(1, { state: 's'.repeat(33) })]),
      snapshotText([process(1, { cmdline: 'a\u0000b' })]),
      snapshotText([process(1, { name: '\ud800' })]),
      snapshotText([process(1, { start_time: '2026-01-01' })]),
      snapshotText([process(1, { rss_bytes: undefined })]),
      snapshotText([process(1, { name: undefined })]),
      snapshotText([1]),
      snapshotText(Array.from({ length: 10_001 }, () => process(1))),
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":01,"name":"a","cpu_pct":1,"mem_pct":1,"rss_bytes":1}]}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1,"name":"a","cpu_pct":1.,"mem_pct":1,"rss_bytes":1}]}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1,"name":"a\tb","cpu_pct":1,"mem_pct":1,"rss_bytes":1}]}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1,"name":"a\\x","cpu_pct":1,"mem_pct":1,"rss_bytes":1}]}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1,"name":"a","cpu_pct":1,"mem_pct":1,"rss_bytes":1},]}`,
    ];
    for (const text of refused) {
      expect(usual(text)).toBeUndefined();
      expect(direct(text)).toBeUndefined();
    }
  });

  it('takes what JSON.parse makes of unusual forms: unknown and repeated keys, processes first, 1e0, -0, escaped keys', () => {
    const unusual = [
      snapshotText([process(1)], { agent: 'x' }),
      snapshotText([process(1, { extra: { nested: [1] } })]),
      `{"machine_id":"m-1","ts":"2000-01-01T00:00:00Z","processes":[],"ts":"${ts}"}`,
      `{"processes":[],"machine_id":"m-1","ts":"${ts}"}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[],"batch_id":"0e9c4d1a-1b2c-4d3e-8f90-1234567890ab"}`,
      `{"machine_id":"m-1","ts":"${ts}","processes":[{"pid":1e0,"name":"a","cpu_pct":-0,"mem_pct":1E1,"rss_bytes":1.0,"ppid":-0}]}`,
      `{"\u006dachine_id":"m-1","ts":"${ts}","processes":[]}`,
      `\ufeff${snapshotText([process(1)])}`,
    ];
    for (const text of unusual) expect(direct(text)).toBeDefined();
  });

  it('declines a start_time near years 0001 and 9999 (the encoder goes through BigInt there)', () => {
    const text = snapshotText([process(1, { start_time: '0001-01-01T00:00:00Z' })]);
    expect(usual(text)).toBeDefined();
    expect(direct(text)).toBeUndefined();
  });

  it('agrees with the usual way or declines on every one-byte change of a valid snapshot', () => {
    const text = snapshotText([process(1), process(2, { cmdline: 'curl -u user:pass https://x' })], { batch_id: '0e9c4d1a-1b2c-4d3e-8f90-1234567890ab' });
    const replacements = [...'"\\,:{}[]0129.-eE tnu', '\u0000', '\t', 'é'];
    let kept = 0;
    for (let at = 0; at < text.length; at++) {
      for (const r of [replacements[at % replacements.length], replacements[(at * 7 + 3) % replacements.length], '']) {
        if (direct(text.slice(0, at) + r + text.slice(at + 1)) !== undefined) kept++;
      }
    }
    // Most changes in names, values and digits still make valid snapshots: they are transcoded, not declined.
    expect(kept).toBeGreaterThan(text.length / 2);
  });

  it('grows its output buffer for a large snapshot and gives the same bytes after it', () => {
    const large = snapshotText(Array.from({ length: 2000 }, (_, i) => process(i, { cmdline: 'c'.repeat(300) })));
    expect(direct(large)?.length).toBeGreaterThan(256 * 1024);
    expect(direct(snapshotText([process(1)]))).toBeDefined();
  });
});

import { KafkaMessage } from 'kafkajs';
import { buildSnapshot } from '@pa/testing';
import { Decoded, decodedSlices } from './decoded-slices';

const message = { key: null, value: null, offset: '0', timestamp: '0', attributes: 0 } as KafkaMessage;

/** `n` processes per record, or a refusal for a negative `n`. */
function decodeCount(n: number): Decoded<string> {
  if (n < 0) return { ok: false, letter: `refused ${n}` };
  return { ok: true, item: { snapshot: { ...buildSnapshot(`m-${n}`, n, 0), tsMs: 0 }, source: 't:0', offset: String(n), bytes: 1, message } };
}

describe('decodedSlices', () => {
  it('cuts a slice as soon as its rows reach maxRows, keeping dead letters in the slice they came in', () => {
    const slices = [...decodedSlices([3, -1, 4, 2, 2, -2, 5, 1], decodeCount, 6)];
    expect(slices.map((s) => [s.valid.map((v) => v.snapshot.processes.length), s.invalid, s.rows])).toEqual([
      [[3, 4], ['refused -1'], 7],
      [[2, 2, 5], ['refused -2'], 9],
      [[1], [], 1],
    ]);
  });

  it('decodes a slice only when it is asked for', () => {
    const decoded: number[] = [];
    const slices = decodedSlices([5, 5, 5], (n: number) => (decoded.push(n), decodeCount(n)), 5);
    slices.next();
    expect(decoded).toEqual([5]);
    expect([...slices]).toHaveLength(2);
    expect(decoded).toEqual([5, 5, 5]);
  });

  it('yields a last slice of dead letters only, and nothing for no records', () => {
    expect([...decodedSlices([2, -1], decodeCount, 2)].map((s) => s.invalid)).toEqual([[], ['refused -1']]);
    expect([...decodedSlices([], decodeCount, 2)]).toEqual([]);
  });
});

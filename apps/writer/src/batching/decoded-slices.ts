import { processCount } from '@pa/contracts';
import { PendingSnapshot } from './pending-snapshot';

/** One record decoded: a snapshot to store, or a dead letter (what `decode` makes of the refusal). */
export type Decoded<L> = { ok: true; item: PendingSnapshot } | { ok: false; letter: L };

/** A slice of a Kafka batch: its storable snapshots and its dead letters, in record order within each. */
export interface DecodedSlice<L> {
  valid: PendingSnapshot[];
  invalid: L[];
  /** process rows of `valid` */
  rows: number;
}

/**
 * Decodes `messages` lazily into slices of about `maxRows` process rows (a slice ends with the
 * snapshot that reaches it): a batch of a large fetch (16 MiB of zstd JSON is about 110 MB
 * decoded) is never held decoded whole, only one slice at a time.
 */
export function* decodedSlices<M, L>(messages: Iterable<M>, decode: (message: M) => Decoded<L>, maxRows: number): Generator<DecodedSlice<L>> {
  let slice: DecodedSlice<L> = { valid: [], invalid: [], rows: 0 };
  for (const message of messages) {
    const decoded = decode(message);
    if (!decoded.ok) {
      slice.invalid.push(decoded.letter);
      continue;
    }
    slice.valid.push(decoded.item);
    slice.rows += processCount(decoded.item.snapshot);
    if (slice.rows >= maxRows) {
      yield slice;
      slice = { valid: [], invalid: [], rows: 0 };
    }
  }
  if (slice.valid.length > 0 || slice.invalid.length > 0) yield slice;
}

/**
 * COPY BINARY encoding (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format").
 * The server takes binary fields as they are instead of parsing text: measured 1.55× faster than
 * psql's CSV of the same 960,000 rows into the same partition and indexes (4.2 s against 6.6 s).
 * Binary text fields are in the server's encoding, not the client's: the shards must be UTF8
 * (migration 007 checks it).
 */

/** "PGCOPY\n\377\r\n\0", then flags (int32 0) and header extension length (int32 0). */
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** ms from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;

/** The COPY binary header and trailer, for streams assembled from segments. */
export const COPY_HEADER: Buffer = SIGNATURE;
export const COPY_TRAILER: Buffer = Buffer.from([0xff, 0xff]);

/**
 * Writes rows into chunks of about `chunkBytes`; `take()` hands over each full chunk. One
 * writer per COPY: header first, `trailer()` last. Or, with `{ header: false }`, rows in
 * segments (`beginSegment()` … `endSegment()`), each segment the bytes of a group of rows as
 * views into the chunks, to be assembled later between COPY_HEADER and COPY_TRAILER.
 */
export class BinaryCopyWriter {
  private buffer: Buffer;
  /** The same bytes as `buffer`: DataView's setters are inlined by V8, Buffer's writeInt32BE & co. are not (2× here). */
  private view: DataView;
  private position = 0;
  private readonly full: Buffer[] = [];
  /** where the open segment starts in `buffer`, -1 when none is open */
  private segmentFrom = -1;
  private segmentParts: Buffer[] = [];

  constructor(
    private readonly chunkBytes = 256 * 1024,
    options: { header?: boolean } = {},
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.view = viewOf(this.buffer);
    if (options.header ?? true) this.raw(SIGNATURE);
  }

  /** Starts a segment: the rows written until `endSegment()`. */
  beginSegment(): void {
    this.segmentFrom = this.position;
    this.segmentParts = [];
  }

  /** The bytes written since `beginSegment()`, as views into the chunks (no copy). */
  endSegment(): Buffer[] {
    if (this.position > this.segmentFrom) this.segmentParts.push(this.buffer.subarray(this.segmentFrom, this.position));
    this.segmentFrom = -1;
    return this.segmentParts;
  }

  /** Starts a row of `fields` fields; call one field method per field, in column order. */
  row(fields: number): void {
    if (this.position >= this.chunkBytes) this.cut();
    this.room(2);
    this.view.setInt16(this.position, fields);
    this.position += 2;
  }

  null(): void {
    this.room(4);
    this.view.setInt32(this.position, -1);
    this.position += 4;
  }

  int32(value: number): void {
    this.room(8);
    this.view.setInt32(this.position, 4);
    this.view.setInt32(this.position + 4, value);
    this.position += 8;
  }

  /** A bigint column from a JS integer (exact within ±2^53). */
  int64(value: number): void {
    this.room(12);
    this.view.setInt32(this.position, 8);
    this.writeInt64At(value, this.position + 4);
    this.position += 12;
  }

  float64(value: number): void {
    this.room(12);
    this.view.setInt32(this.position, 8);
    this.view.setFloat64(this.position + 4, value);
    this.position += 12;
  }

  /** A text column: its UTF-8 bytes. */
  text(value: string): void {
    this.room(4 + value.length * 3);
    const length = this.buffer.write(value, this.position + 4, 'utf8');
    this.view.setInt32(this.position, length);
    this.position += 4 + length;
  }

  /** A field already encoded by `encodeText`/`encodeTimestamptz` (repeated values: machine_id, ts). */
  encoded(field: Buffer): void {
    this.raw(field);
  }

  /** A timestamptz column: epoch ms plus µs within (0–999). */
  timestamptz(ms: number, us = 0): void {
    this.room(12);
    this.view.setInt32(this.position, 8);
    const micros = (ms - PG_EPOCH_MS) * 1000 + us;
    if (Number.isSafeInteger(micros)) this.writeInt64At(micros, this.position + 4);
    else this.view.setBigInt64(this.position + 4, BigInt(ms - PG_EPOCH_MS) * 1000n + BigInt(us));
    this.position += 12;
  }

  /** Ends the COPY data (int16 -1). */
  trailer(): void {
    this.room(2);
    this.view.setInt16(this.position, -1);
    this.position += 2;
    this.cut();
  }

  /** The chunks completed since the last call. */
  take(): Buffer[] {
    return this.full.splice(0);
  }

  private raw(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.position);
    this.position += bytes.length;
  }

  private writeInt64At(value: number, at: number): void {
    const high = Math.floor(value / TWO_32);
    this.view.setInt32(at, high);
    this.view.setUint32(at + 4, value - high * TWO_32);
  }

  /** Makes room for `bytes` more, cutting the chunk (or growing it, for one huge field). */
  private room(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    this.cut();
    if (bytes > this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(bytes);
      this.view = viewOf(this.buffer);
    }
  }

  private cut(): void {
    if (this.segmentFrom >= 0) {
      if (this.position > this.segmentFrom) this.segmentParts.push(this.buffer.subarray(this.segmentFrom, this.position));
      this.segmentFrom = 0;
    } else if (this.position > 0) this.full.push(this.buffer.subarray(0, this.position));
    this.buffer = Buffer.allocUnsafe(this.chunkBytes);
    this.view = viewOf(this.buffer);
    this.position = 0;
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** One text field, encoded once for reuse in many rows. */
export function encodeText(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const field = Buffer.allocUnsafe(4 + bytes.length);
  field.writeInt32BE(bytes.length, 0);
  bytes.copy(field, 4);
  return field;
}

/** One timestamptz field (epoch ms), encoded once for reuse in many rows. */
export function encodeTimestamptz(ms: number): Buffer {
  const field = Buffer.allocUnsafe(12);
  field.writeInt32BE(8, 0);
  field.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, 4);
  return field;
}

import { BinaryCopyWriter, encodeText, encodeTimestamptz } from './binary-copy';

const SIGNATURE = 'PGCOPY\n\xff\r\n\0';

function all(writer: BinaryCopyWriter): Buffer {
  writer.trailer();
  return Buffer.concat(writer.take());
}

describe('BinaryCopyWriter', () => {
  it('starts with the signature, flags and extension length, and ends with the -1 trailer', () => {
    const bytes = all(new BinaryCopyWriter());
    expect(bytes.subarray(0, 11).toString('latin1')).toBe(SIGNATURE);
    expect(bytes.readInt32BE(11)).toBe(0);
    expect(bytes.readInt32BE(15)).toBe(0);
    expect(bytes.readInt16BE(19)).toBe(-1);
    expect(bytes.length).toBe(21);
  });

  it('writes each field as its length and big-endian value, null as length -1', () => {
    const writer = new BinaryCopyWriter();
    writer.row(6);
    writer.int32(-7);
    writer.int64(-(2 ** 40) - 3);
    writer.float64(0.25);
    writer.text('é€');
    writer.null();
    writer.timestamptz(Date.UTC(2000, 0, 1) + 1, 2);
    const row = all(writer).subarray(19);
    expect(row.readInt16BE(0)).toBe(6);
    expect([row.readInt32BE(2), row.readInt32BE(6)]).toEqual([4, -7]);
    expect([row.readInt32BE(10), row.readBigInt64BE(14)]).toEqual([8, BigInt(-(2 ** 40) - 3)]);
    expect([row.readInt32BE(22), row.readDoubleBE(26)]).toEqual([8, 0.25]);
    expect([row.readInt32BE(34), row.subarray(38, 43).toString('utf8')]).toEqual([5, 'é€']);
    expect(row.readInt32BE(43)).toBe(-1);
    // µs since 2000-01-01 UTC
    expect([row.readInt32BE(47), row.readBigInt64BE(51)]).toEqual([8, 1002n]);
    expect(row.readInt16BE(59)).toBe(-1);
  });

  it('encodes instants beyond ±2^53 µs exactly, through BigInt', () => {
    const writer = new BinaryCopyWriter();
    const ms = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    writer.row(1);
    writer.timestamptz(ms, 999);
    const row = all(writer).subarray(19);
    expect(row.readBigInt64BE(6)).toBe((BigInt(ms) - BigInt(Date.UTC(2000, 0, 1))) * 1000n + 999n);
  });

  it('cuts the stream into chunks of at most chunkBytes, but for one huge field', () => {
    const writer = new BinaryCopyWriter(64);
    const huge = 'x'.repeat(1_000);
    for (let i = 0; i < 10; i++) {
      writer.row(1);
      writer.text(i === 5 ? huge : 'abcdefghij');
    }
    writer.trailer();
    const chunks = writer.take();
    // COPY data may be cut anywhere (CopyData messages need not hold whole rows).
    const stream = Buffer.concat(chunks);
    expect(stream.length).toBe(19 + 9 * (2 + 4 + 10) + (2 + 4 + 1_000) + 2);
    expect(chunks.filter((c) => c.length > 64).map((c) => c.length)).toEqual([1_004]);
    let at = 19;
    for (let i = 0; i < 10; i++) {
      const length = stream.readInt32BE(at + 2);
      expect(stream.subarray(at + 6, at + 6 + length).toString()).toBe(i === 5 ? huge : 'abcdefghij');
      at += 6 + length;
    }
    expect(stream.readInt16BE(at)).toBe(-1);
  });
});

describe('encodeText / encodeTimestamptz', () => {
  it('encode one field as the writer would', () => {
    expect(encodeText('ab')).toEqual(Buffer.from([0, 0, 0, 2, 0x61, 0x62]));
    const field = encodeTimestamptz(Date.UTC(2000, 0, 1, 0, 0, 1));
    expect([field.readInt32BE(0), field.readBigInt64BE(4)]).toEqual([8, 1_000_000n]);
  });
});

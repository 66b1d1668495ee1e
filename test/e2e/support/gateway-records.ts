import { PROCESS_ROW_COLUMNS, ProcessSnapshot, SNAPSHOT_V2_MAGIC, decodeSnapshotV2 } from '@pa/contracts';

const CMDLINE = PROCESS_ROW_COLUMNS.indexOf('cmdline');

/**
 * The cmdline of every process of a record of the snapshot topic, in either wire format: the
 * gateway produces schema version 2 by default (GATEWAY_RECORD_FORMAT), JSON with v1. A version 2
 * value is checked by the contract's own decoder, then its COPY rows are read field by field.
 */
export function cmdlinesOfRecord(value: Buffer): (string | undefined)[] {
  if (value.subarray(0, 4).equals(SNAPSHOT_V2_MAGIC)) {
    const check = decodeSnapshotV2(value, { nowMs: Date.now(), retentionMs: 365 * 86_400_000 });
    if (!check.ok) throw new Error(`not a valid schema version 2 record: ${check.reason}`);
    return rowFields(Buffer.concat(check.snapshot.copyRows?.parts ?? []), check.snapshot.copyRows?.count ?? 0, CMDLINE);
  }
  return (JSON.parse(value.toString('utf8')) as ProcessSnapshot).processes.map((p) => p.cmdline);
}

/** Field `index` of each of `count` binary COPY tuples (int16 field count, then int32 length and bytes per field, -1 = NULL), as text. */
function rowFields(rows: Buffer, count: number, index: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let at = 0;
  for (let row = 0; row < count; row++) {
    const fields = rows.readInt16BE(at);
    at += 2;
    for (let field = 0; field < fields; field++) {
      const length = rows.readInt32BE(at);
      at += 4;
      if (field === index) out.push(length < 0 ? undefined : rows.toString('utf8', at, at + length));
      if (length > 0) at += length;
    }
  }
  return out;
}

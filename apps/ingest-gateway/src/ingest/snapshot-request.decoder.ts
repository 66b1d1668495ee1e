import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CommandLineScrubber, ValidSnapshot, checkSnapshot, describeIssues, encodeSnapshotV2, haveSameStoredContent, scrubSnapshot, transcodeJsonToV2 } from '@pa/contracts';
import { IngestErrorCode, ingestProblem } from './ingest.errors';
import { describeGzipError, describeJsonError, findInvalidUtf8 } from './syntax-position';

const gunzipAsync = promisify(gunzip);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Lines of error detail returned at most; the first one is also the `detail`. */
const MAX_ERROR_LINES = 100;

export interface SnapshotRequest {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer | undefined;
}

export interface DecodeRules {
  /** largest body after gzip decoding, bytes */
  limitBytes: number;
  /** largest snapshot (its JSON text, one Kafka record), bytes */
  maxRecordBytes: number;
  nowMs: number;
  retentionMs: number;
  /** scrubs secrets out of each cmdline; undefined when scrubbing is turned off */
  scrub?: CommandLineScrubber;
  /** 'v2': transcode each validated, scrubbed snapshot to schema version 2 (GATEWAY_RECORD_FORMAT); 'v1' (the default here): its JSON */
  recordFormat?: 'v1' | 'v2';
  /** false: every snapshot goes JSON.parse → checkSnapshot → encodeSnapshotV2 (GATEWAY_DIRECT_V2=off, for the bench's A/B) */
  directV2?: boolean;
}

/**
 * A validated snapshot ready to publish: its Kafka key and the value in the format produced, its
 * JSON text (the original unless scrubbed) or its schema version 2 value.
 */
export type SnapshotRecord = { machineId: string; json: string; v2?: undefined } | { machineId: string; v2: Buffer; json?: undefined };

/** What a request carries: the records to publish, and how many exact repeats inside it were left out. */
export interface DecodedRequest {
  records: SnapshotRecord[];
  /** snapshots that repeat an earlier one of the same request exactly (same machine_id, ts and content) */
  duplicates: number;
}

type Format = 'json' | 'ndjson';

/**
 * Turns a POST body into validated records, or throws a ProblemException naming what is wrong
 * (415 media type/encoding, 413 size, 400 syntax or field, with the NDJSON line). All or nothing:
 * one bad snapshot rejects the request, so a client never has to guess what was published.
 */
export async function decodeSnapshotRequest(request: SnapshotRequest, rules: DecodeRules): Promise<DecodedRequest> {
  const format = formatOf(request.contentType);
  const bytes = await decompress(request.body ?? Buffer.alloc(0), request.contentEncoding, rules.limitBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw ingestProblem(IngestErrorCode.MALFORMED_BODY, `body is not valid UTF-8 (at byte ${findInvalidUtf8(bytes)})`);
  }
  const documents = format === 'json' ? [{ json: text, line: 0 }] : splitLines(text);
  if (documents.length === 0 || documents[0].json.trim() === '') {
    throw ingestProblem(IngestErrorCode.MALFORMED_BODY, 'body is empty: send one snapshot or NDJSON lines');
  }
  if (rules.recordFormat === 'v2' && rules.directV2 !== false) {
    const records = transcodeAll(documents, rules);
    if (records) return { records, duplicates: 0 };
  }
  return validateAll(documents, format, rules);
}

/**
 * Every snapshot checked, scrubbed and written as v2 in one walk each (transcodeJsonToV2), or
 * undefined when one is declined, too large, or shares its machine_id and ts with another: the
 * request then goes through validateAll, which words the errors and counts the repeats.
 */
function transcodeAll(documents: { json: string }[], rules: DecodeRules): SnapshotRecord[] | undefined {
  const records: SnapshotRecord[] = [];
  const keys = new Set<string>();
  for (const { json } of documents) {
    const direct = transcodeJsonToV2(json, rules);
    if (!direct || direct.v2.length > rules.maxRecordBytes) return undefined;
    const key = `${direct.tsMs}|${direct.machineId}`;
    if (keys.has(key)) return undefined;
    keys.add(key);
    records.push({ machineId: direct.machineId, v2: direct.v2 });
  }
  return records;
}

function formatOf(contentType: string | undefined): Format {
  const [media, ...params] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw ingestProblem(IngestErrorCode.UNSUPPORTED_MEDIA_TYPE, `charset ${charset} is not supported; send UTF-8`);
  }
  if (media === 'application/json') return 'json';
  if (media === 'application/x-ndjson' || media === 'application/ndjson') return 'ndjson';
  throw ingestProblem(
    IngestErrorCode.UNSUPPORTED_MEDIA_TYPE,
    `content-type ${media || '(none)'} is not supported; use application/json or application/x-ndjson`,
  );
}

async function decompress(body: Buffer, encoding: string | undefined, limitBytes: number): Promise<Buffer> {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return body;
  if (coding !== 'gzip' && coding !== 'x-gzip') {
    throw ingestProblem(IngestErrorCode.UNSUPPORTED_MEDIA_TYPE, `content-encoding ${coding} is not supported; use gzip or none`);
  }
  try {
    return await gunzipAsync(body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw ingestProblem(IngestErrorCode.BODY_TOO_LARGE, `body is larger than ${limitBytes} bytes once decompressed`);
    }
    throw ingestProblem(IngestErrorCode.MALFORMED_BODY, `gzip body could not be decoded: ${describeGzipError(error)}`);
  }
}

function splitLines(text: string): { json: string; line: number }[] {
  const documents: { json: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const json = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (json.trim() !== '') documents.push({ json, line: i + 1 });
  }
  return documents;
}

function validateAll(documents: { json: string; line: number }[], format: Format, rules: DecodeRules): DecodedRequest {
  const records: SnapshotRecord[] = [];
  const errors: string[] = [];
  const tooLarge: string[] = [];
  const firsts = new RequestKeys();
  let duplicates = 0;
  documents.forEach(({ json: sent, line }, index) => {
    let json = sent;
    const prefix = format === 'ndjson' ? `/snapshots/${index}` : '';
    const where = format === 'ndjson' ? ` (line ${line})` : '';
    let value: unknown;
    try {
      value = JSON.parse(sent);
    } catch {
      // Never V8's message: it quotes the body.
      errors.push(`${prefix || '/'}: is not valid JSON ${describeJsonError(json, format === 'ndjson')}${where}`);
      return;
    }
    const check = checkSnapshot(value, rules);
    let v2: Buffer | undefined;
    if (check.ok && rules.recordFormat === 'v2') {
      // Transcoded once, here, so that the writer never parses JSON (issue 15); a scrubbed
      // snapshot is not re-encoded as JSON first, only the v2 value is published.
      if (rules.scrub) scrubSnapshot(check.snapshot, rules.scrub);
      v2 = encodeSnapshotV2(check.snapshot);
    } else if (check.ok) json = scrubbedJson(check.snapshot, json, rules.scrub);
    const size = v2 ? v2.length : Buffer.byteLength(json);
    if (!check.ok) errors.push(...describeIssues(check.issues, prefix).map((e) => e + where));
    else if (size > rules.maxRecordBytes) {
      // Kafka would refuse the record for good: a 503 would have the client retry forever.
      tooLarge.push(`${prefix || '/'}: is ${size} bytes, more than the ${rules.maxRecordBytes} one snapshot may have${where}`);
    } else {
      const earlier = firsts.claim(check.snapshot, line);
      if (earlier === undefined) records.push(v2 ? { machineId: check.snapshot.machine_id, v2 } : { machineId: check.snapshot.machine_id, json });
      else if (earlier.isSame) duplicates++;
      else errors.push(`${prefix}: has the machine_id and ts of line ${earlier.line} but other content (a conflict: one of them would be lost)${where}`);
    }
  });
  if (errors.length > 0) throw listed(IngestErrorCode.INVALID_SNAPSHOT, errors);
  if (tooLarge.length > 0) throw listed(IngestErrorCode.BODY_TOO_LARGE, tooLarge);
  return { records, duplicates };
}

/**
 * The JSON to publish: the text as sent when no cmdline held a secret (the common case, no
 * re-encoding), else the scrubbed snapshot re-encoded (same fields; `tsMs` is ours, not the wire's).
 * Scrubbing is the one exception to "a 202 means stored as sent".
 */
function scrubbedJson(snapshot: ValidSnapshot, sent: string, scrub: CommandLineScrubber | undefined): string {
  if (!scrub || !scrubSnapshot(snapshot, scrub)) return sent;
  const { tsMs: _tsMs, ...wire } = snapshot;
  return JSON.stringify(wire);
}

/**
 * The first snapshot of each (machine_id, ts) in a request. A later one with the same content is
 * a repeat, published once (the ledger would drop it anyway, but `accepted` must not count it);
 * one with other content conflicts, and the whole request is refused: storing the first and
 * dropping the second would silently lose data.
 */
class RequestKeys {
  private readonly firsts = new Map<string, { snapshot: ValidSnapshot; line: number }>();

  claim(snapshot: ValidSnapshot, line: number): { line: number; isSame: boolean } | undefined {
    const key = `${snapshot.tsMs}|${snapshot.machine_id}`;
    const first = this.firsts.get(key);
    if (!first) {
      this.firsts.set(key, { snapshot, line });
      return undefined;
    }
    return { line: first.line, isSame: haveSameStoredContent(first.snapshot, snapshot) };
  }
}

function listed(code: IngestErrorCode, problems: string[]) {
  const shown = problems.slice(0, MAX_ERROR_LINES);
  const more = problems.length > shown.length ? ` (${problems.length} problems, first ${shown.length} listed)` : '';
  return ingestProblem(code, shown[0] + more, { errors: shown });
}

import { IHeaders, KafkaMessage } from 'kafkajs';
import {
  CmdlineFieldMemo,
  CommandLineScrubber,
  HEADER,
  SNAPSHOT_SCHEMA_VERSION,
  SNAPSHOT_V2_SCHEMA_VERSION,
  ValidSnapshot,
  checkSnapshot,
  decodeSnapshotV2,
  describeIssues,
  jsonSyntaxProblem,
  scrubSnapshot,
} from '@pa/contracts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DecodedRecord =
  | { ok: true; snapshot: ValidSnapshot; offset: string; bytes: number }
  | { ok: false; reason: string; message: KafkaMessage; offset: string };

export interface DecodeRules {
  nowMs: number;
  retentionMs: number;
  /** scrubs secrets out of each cmdline; undefined when scrubbing is turned off */
  scrub?: {
    /** of a JSON (v1) record */
    lines: CommandLineScrubber;
    /** of a version 2 record, by the field's bytes */
    fields: CmdlineFieldMemo;
  };
}

/**
 * Decodes one Kafka record into a validated snapshot, or says why it cannot be stored. Any
 * producer may write to the topic (collectors produce directly), so nothing is trusted: the
 * record must also say its schema version, and its key must be its machine_id, since the key
 * picks the partition and one machine's snapshots must stay in one partition, in order.
 * Command lines are scrubbed here, before the ledger's content hash is computed from the rows, so
 * a replay of the same unscrubbed record hashes the same and stays an exact replay.
 */
export function decodeRecord(message: KafkaMessage, rules: DecodeRules): DecodedRecord {
  const reject = (reason: string): DecodedRecord => ({ ok: false, reason, message, offset: message.offset });
  const version = headerText(message.headers, HEADER.schemaVersion);
  if (version === undefined) {
    return reject(`no ${HEADER.schemaVersion} header (must be ${SNAPSHOT_SCHEMA_VERSION} or ${SNAPSHOT_V2_SCHEMA_VERSION})`);
  }
  if (version !== SNAPSHOT_SCHEMA_VERSION && version !== SNAPSHOT_V2_SCHEMA_VERSION) return reject(`unsupported schema-version ${version}`);
  if (!message.value || message.value.length === 0) return reject('record has no value');
  if (version === SNAPSHOT_V2_SCHEMA_VERSION) {
    // Binary rows, validated in place; the cmdlines are scrubbed on the way (decodeSnapshotV2).
    const v2 = decodeSnapshotV2(message.value, { ...rules, scrub: rules.scrub?.fields });
    if (!v2.ok) return reject(v2.reason);
    const keyProblem = problemWithKey(message.key, v2.snapshot.machine_id);
    if (keyProblem) return reject(keyProblem);
    return { ok: true, snapshot: v2.snapshot, offset: message.offset, bytes: message.value.length };
  }
  let text: string;
  try {
    // Not Buffer#toString, which would quietly store U+FFFD for every invalid byte.
    text = utf8.decode(message.value);
  } catch {
    return reject('value is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(`value ${jsonSyntaxProblem(error)}`);
  }
  const check = checkSnapshot(value, rules);
  if (!check.ok) return reject(describeIssues(check.issues).join('; '));
  const keyProblem = problemWithKey(message.key, check.snapshot.machine_id);
  if (keyProblem) return reject(keyProblem);
  if (rules.scrub) scrubSnapshot(check.snapshot, rules.scrub.lines);
  return { ok: true, snapshot: check.snapshot, offset: message.offset, bytes: message.value.length };
}

function problemWithKey(key: Buffer | null, machineId: string): string | undefined {
  if (key === null || key.length === 0) return 'record has no key (must be its machine_id)';
  // machine_id is ASCII (the contract's pattern), so comparing bytes is comparing text.
  if (!key.equals(Buffer.from(machineId))) return `record key is not its machine_id ${machineId}`;
  return undefined;
}

/** Header values arrive as Buffers (or arrays of them when repeated); the last one wins. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return last === undefined ? undefined : last.toString();
}

import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import schema from './process-snapshot.v1.schema.json';
import { DEFAULT_RETENTION_MS, MAX_FUTURE_SKEW_MS } from './contracts.constants';
import { ValidSnapshot } from './process-snapshot';
import { isRfc3339DateTime, parseRfc3339 } from './rfc3339';
import { isUuid } from './uuid';

/** One problem found in a snapshot: a JSON Pointer to the field and what is wrong with it. */
export interface SnapshotIssue {
  pointer: string;
  message: string;
}

export type SnapshotCheck = { ok: true; snapshot: ValidSnapshot } | { ok: false; issues: SnapshotIssue[] };

export interface SnapshotRules {
  /** "now" in epoch ms; injected so tests and replays are deterministic */
  nowMs: number;
  /** reject ts later than now + this (ms) */
  maxFutureSkewMs?: number;
  /** reject ts older than now - this (ms) */
  retentionMs?: number;
}

/** Issues reported per snapshot at most; a 10 000-process array of garbage must not produce a 10 000-line answer. */
const MAX_ISSUES = 20;

// unicodeRegExp (ajv's default, spelled out): the text patterns exclude lone surrogates, which a
// regular expression can only tell from surrogate pairs in Unicode mode.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: false, unicodeRegExp: true });
// Only the forms PostgreSQL's uuid and timestamptz store and serve back unchanged: ajv-formats'
// uuid also takes `urn:uuid:…`, which the shard refuses (the snapshot went to the DLQ after a 202).
ajv.addFormat('uuid', { type: 'string', validate: isUuid });
ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime });
const validateSchema = ajv.compile(schema);

/**
 * Checks one decoded JSON value against the v1 snapshot contract and the time window.
 * Never throws: bad input comes back as issues naming each field by JSON Pointer.
 */
export function checkSnapshot(value: unknown, rules: SnapshotRules): SnapshotCheck {
  if (!validateSchema(value)) {
    return { ok: false, issues: (validateSchema.errors ?? []).slice(0, MAX_ISSUES).map(toIssue) };
  }
  const snapshot = value as unknown as ValidSnapshot;
  // The schema's date-time format is parseRfc3339, so this is defined.
  const tsMs = (parseRfc3339(snapshot.ts) as { ms: number }).ms;
  const maxFuture = rules.maxFutureSkewMs ?? MAX_FUTURE_SKEW_MS;
  if (tsMs > rules.nowMs + maxFuture) {
    return { ok: false, issues: [{ pointer: '/ts', message: `is more than ${maxFuture / 60_000} minutes in the future` }] };
  }
  const retention = rules.retentionMs ?? DEFAULT_RETENTION_MS;
  if (tsMs < rules.nowMs - retention) {
    return { ok: false, issues: [{ pointer: '/ts', message: `is older than the retention of ${retention / 86_400_000} days` }] };
  }
  snapshot.tsMs = tsMs;
  return { ok: true, snapshot };
}

/** Renders issues as `pointer: message` lines, each pointer prefixed (e.g. `/snapshots/3`). */
export function describeIssues(issues: SnapshotIssue[], prefix = ''): string[] {
  return issues.map((i) => `${prefix + i.pointer || '/'}: ${i.message}`);
}

function toIssue(error: ErrorObject): SnapshotIssue {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { pointer: `${error.instancePath}/${missing}`, message: 'is required' };
  }
  return { pointer: error.instancePath, message: humanMessage(error) };
}

function humanMessage(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${article(String(p.type))} ${p.type}`;
    case 'minimum':
      return `must be a number ≥ ${p.limit}`;
    case 'maximum':
      return `must be a number ≤ ${p.limit}`;
    case 'minLength':
      return `must be at least ${p.limit} characters`;
    case 'maxLength':
      return `must be at most ${p.limit} characters`;
    case 'maxItems':
      return `must have at most ${p.limit} items`;
    case 'pattern':
      return error.instancePath.endsWith('/machine_id')
        ? 'must contain only letters, digits and . _ : -'
        : 'must be valid Unicode text without NUL characters (no lone surrogates)';
    case 'format':
      return FORMAT_MESSAGES[String(p.format)] ?? `must be a ${p.format}`;
    default:
      return error.message ?? 'is invalid';
  }
}

const FORMAT_MESSAGES: Record<string, string> = {
  'date-time': 'must be an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction] then Z or ±HH:MM, years 0001–9999)',
  uuid: 'must be a UUID written as 8-4-4-4-12 hexadecimal digits',
};

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

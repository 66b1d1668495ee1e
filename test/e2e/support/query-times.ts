import { parseRfc3339 } from '@pa/contracts';

/** The fields of the query API's answers that hold instants, and the one that holds a UTC date. */
export const TIME_FIELDS = ['from', 'to', 't', 'ts', 'last_seen', 'start_time'] as const;
export const DATE_FIELDS = ['date'] as const;

/** RFC 3339 as the API promises to write it: UTC, `T`, `Z`, an optional fraction of any length. */
const SERVED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SERVED_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface TimeCheck {
  /** `path: value` of every time field that is not RFC 3339 as promised */
  problems: string[];
  /** the time fields found (with a non-null value), so that a check cannot pass on nothing */
  seen: Set<string>;
}

/**
 * Walks a JSON answer and checks every time field: the served shape, and that the contract's
 * parser (the strict one the writer stores by) reads it back to a real instant.
 */
export function checkTimes(value: unknown, check: TimeCheck = { problems: [], seen: new Set() }, path = '$'): TimeCheck {
  if (Array.isArray(value)) value.forEach((item, i) => checkTimes(item, check, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if ((TIME_FIELDS as readonly string[]).includes(key) && field !== null) {
        check.seen.add(key);
        if (typeof field !== 'string' || !SERVED_INSTANT.test(field) || parseRfc3339(field) === undefined) check.problems.push(`${path}.${key}: ${JSON.stringify(field)}`);
      } else if ((DATE_FIELDS as readonly string[]).includes(key)) {
        check.seen.add(key);
        if (typeof field !== 'string' || !SERVED_DATE.test(field) || parseRfc3339(`${field}T00:00:00Z`) === undefined) check.problems.push(`${path}.${key}: ${JSON.stringify(field)}`);
      } else {
        checkTimes(field, check, `${path}.${key}`);
      }
    }
  }
  return check;
}

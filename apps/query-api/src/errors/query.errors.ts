import { ProblemException } from '@pa/http';

/** Stable codes of the query API's error answers; each maps to one HTTP status. */
export enum QueryErrorCode {
  /** a query or path parameter is missing, malformed or out of range (the `errors` list names it) */
  INVALID_PARAMETER = 'INVALID_PARAMETER',
  MACHINE_NOT_FOUND = 'MACHINE_NOT_FOUND',
  /** the machine exists but has no snapshot at or before `at` */
  SNAPSHOT_NOT_FOUND = 'SNAPSHOT_NOT_FOUND',
  /** a shard did not answer (down, or over the statement timeout) and `allow_partial` was not set, or no shard answered */
  SHARD_UNAVAILABLE = 'SHARD_UNAVAILABLE',
  /** the key lacks a scope that this use of the endpoint needs (explain: admin) */
  MISSING_SCOPE = 'MISSING_SCOPE',
}

const STATUS: Record<QueryErrorCode, number> = {
  [QueryErrorCode.INVALID_PARAMETER]: 400,
  [QueryErrorCode.MACHINE_NOT_FOUND]: 404,
  [QueryErrorCode.SNAPSHOT_NOT_FOUND]: 404,
  [QueryErrorCode.SHARD_UNAVAILABLE]: 503,
  [QueryErrorCode.MISSING_SCOPE]: 403,
};

export function queryProblem(
  code: QueryErrorCode,
  detail: string,
  extras?: { errors?: string[]; headers?: Record<string, string> },
): ProblemException {
  return new ProblemException(STATUS[code], code, detail, extras);
}

/** A 400 naming every bad parameter: `errors` holds one `name: reason` line each, `detail` the first. */
export function invalidParameters(problems: string[]): ProblemException {
  const detail = problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more)`;
  return queryProblem(QueryErrorCode.INVALID_PARAMETER, detail, { errors: problems });
}

import { QueryParams } from './query-params';

/** machine_id as the snapshot contract defines it. */
const MACHINE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Process names: 1 to 256 characters without NUL (the contract's rule). */
const MAX_NAME_LENGTH = 256;

/**
 * The router's cap on a path parameter (characters after percent-decoding, UTF-16 units): a
 * 256-character name is at most 512 of them. Well above it, so that a name too long by the
 * contract gets our 400 naming it rather than the router's 414, while the router still refuses
 * megabyte paths before any of our code runs.
 */
export const MAX_PATH_PARAM_CHARS = 4096;

/** A machine id from the path or the query; anything else cannot exist, so it is a 400 naming `name`. */
export function readMachineId(q: QueryParams, name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (MACHINE_ID.test(value)) return value;
  q.problem(name, 'must be 1-128 characters of letters, digits and . _ : -');
  return undefined;
}

/** A process name from the path. */
export function readProcessName(q: QueryParams, name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '' || [...value].length > MAX_NAME_LENGTH || value.includes('\u0000')) {
    q.problem(name, `must be 1-${MAX_NAME_LENGTH} characters without NUL`);
    return undefined;
  }
  return value;
}

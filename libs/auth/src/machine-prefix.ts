/**
 * Tenants are machine-id prefixes that match whole segments. A machine id is 1–128 characters of
 * `A–Z a–z 0–9 . _ : -`; its segments are the runs between separators, the separators being
 * `-`, `.`, `_` and `:`. A prefix P matches a machine id M when M starts with P and P ends at a
 * segment boundary of M: P ends with a separator, or M is P, or the character of M after P is a
 * separator. So `team-a-` and `team-a` match `team-a-x`; neither matches `team-ab-x`; only `team-a`
 * matches `team-a` itself.
 */
export const SEPARATORS = ['-', '.', ':', '_'] as const;
const PREFIX_SHAPE = /^[A-Za-z0-9._:-]{1,128}$/;

export function isSeparator(char: string | undefined): boolean {
  return char !== undefined && (SEPARATORS as readonly string[]).includes(char);
}

export function isValidPrefix(prefix: string): boolean {
  return PREFIX_SHAPE.test(prefix);
}

export function matchesPrefix(machineId: string, prefix: string): boolean {
  if (!machineId.startsWith(prefix)) return false;
  return machineId.length === prefix.length || isSeparator(prefix.at(-1)) || isSeparator(machineId[prefix.length]);
}

/**
 * Whether `machineId` is inside a tenant of `prefixes`. An empty list means no restriction (every
 * machine).
 */
export function isWithinTenant(machineId: string, prefixes: readonly string[]): boolean {
  return prefixes.length === 0 || prefixes.some((prefix) => matchesPrefix(machineId, prefix));
}

/** A half-open range of text in code-point order: from <= id < to. */
export interface TextRange {
  from: string;
  to: string;
}

/**
 * The machine ids one prefix matches, as an exact id (when P does not end with a separator) plus
 * half-open ranges in code-point order: `machine_id >= from AND machine_id < to` is an index range
 * scan on a btree over machine_id (the shard databases use the C.UTF-8 / C collation, which orders
 * ASCII by code point). The ranges hold exactly the ids `matchesPrefix` accepts.
 */
export function prefixRanges(prefix: string): { exact?: string; ranges: TextRange[] } {
  if (isSeparator(prefix.at(-1))) return { ranges: [{ from: prefix, to: successor(prefix) }] };
  // '-' and '.' are neighbours (0x2d, 0x2e): one range holds both.
  return {
    exact: prefix,
    ranges: [
      { from: `${prefix}-`, to: `${prefix}/` },
      { from: `${prefix}:`, to: `${prefix};` },
      { from: `${prefix}_`, to: `${prefix}\`` },
    ],
  };
}

/** The smallest text greater than every text that starts with `prefix`: its last character plus one. */
function successor(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Thrown for a malformed duration; the message is meant for the command line user. */
export class DurationError extends Error {
  override name = 'DurationError';
}

/**
 * Parses `500ms`, `5s`, `1.5m`, `2h` or a sum like `1m30s` into whole milliseconds.
 * A bare number is refused: `--interval 5` could mean seconds or milliseconds. Throws DurationError.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    throw new DurationError(`"${text}" is not a duration; use a number with a unit: 500ms, 5s, 1m, 2h`);
  }
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return Math.round(total);
}

/** `90000` → `1m30s`, for log lines. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

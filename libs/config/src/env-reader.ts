/** Raised once at boot, listing every bad or missing variable (not just the first). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads typed values from an environment, collecting problems instead of throwing on the first,
 * so `finish()` can report all of them in one error (immich's config.repository does the same).
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name]?.trim();
    return raw ? raw : fallback;
  }

  optionalString(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(raw)}: must be true or false`);
    return fallback;
  }

  /** One of `values` (the fallback when unset); anything else is a problem naming them all. */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.string(name, fallback);
    if ((values as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: must be one of ${values.join(', ')} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  /** Comma-separated list; each item checked by `isValid` when given. */
  list(name: string, fallback: string[], isValid?: (item: string) => boolean, expected?: string): string[] {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = isValid ? items.filter((i) => !isValid(i)) : [];
    if (items.length === 0 || bad.length > 0) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: must be a comma-separated list of ${expected ?? 'values'}`);
      return fallback;
    }
    return items;
  }

  /** Records a problem found by a cross-field check. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one ConfigError naming every problem, or returns the value frozen. */
  finish<T extends object>(value: T): Readonly<T> {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return deepFreeze(value);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

export function isHostPort(item: string): boolean {
  return /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(item);
}

export function isPostgresUrl(item: string): boolean {
  try {
    const url = new URL(item);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

import { invalidParameters } from '../errors/query.errors';
import { Parsed, Rounding, parseDate, parseDuration, parseInstant } from './time';

/** What Fastify hands over as the query string: a value, or an array when a name repeats. */
export type RawQuery = Record<string, unknown>;

/**
 * Reads typed request parameters, collecting every problem as `name: reason` (the EnvReader pattern)
 * so that one 400 names all bad parameters. Values are never echoed back: they may be anything.
 */
export class QueryParams {
  private readonly problems: string[] = [];
  private readonly badNames = new Set<string>();

  constructor(private readonly raw: RawQuery, allowed: readonly string[]) {
    for (const name of Object.keys(raw)) {
      if (!allowed.includes(name)) this.problem(safeName(name), `unknown parameter (accepted: ${allowed.join(', ')})`);
    }
  }

  /** The parameter's text; absent or empty counts as not given. */
  text(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problem(name, 'must be given once');
      return undefined;
    }
    return value === '' ? undefined : value;
  }

  choice<T extends string>(name: string, values: readonly T[], fallback: T): T;
  choice<T extends string>(name: string, values: readonly T[]): T | undefined;
  choice<T extends string>(name: string, values: readonly T[], fallback?: T): T | undefined {
    const text = this.text(name);
    if (text === undefined) return fallback;
    if ((values as readonly string[]).includes(text)) return text as T;
    this.problem(name, `must be one of ${values.join(', ')}`);
    return fallback;
  }

  int(name: string, range: { min: number; max: number }, fallback: number): number {
    const text = this.text(name);
    if (text === undefined) return fallback;
    const value = /^-?\d{1,15}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
      this.problem(name, `must be a whole number from ${range.min} to ${range.max}`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const text = this.text(name);
    if (text === undefined) return fallback;
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    this.problem(name, 'must be true or false');
    return fallback;
  }

  /** Epoch ms of an RFC 3339 time, sub-millisecond digits rounded as `rounding` says. */
  instant(name: string, rounding: Rounding = 'ceil'): number | undefined {
    return this.parsed(name, (text) => parseInstant(text, rounding));
  }

  /** Epoch ms of a UTC date's midnight. */
  date(name: string): number | undefined {
    return this.parsed(name, parseDate);
  }

  /** A step duration in ms. */
  duration(name: string): number | undefined {
    return this.parsed(name, parseDuration);
  }

  /** Records a problem found by a cross-parameter check. */
  problem(name: string, reason: string): void {
    this.problems.push(`${name}: ${reason}`);
    this.badNames.add(name);
  }

  /** True when `name` already has a problem (so cross-checks can skip it). */
  hasProblem(name: string): boolean {
    return this.badNames.has(name);
  }

  get isValid(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one 400 problem naming every bad parameter, if any. */
  finish(): void {
    if (this.problems.length > 0) throw invalidParameters(this.problems);
  }

  private parsed<T>(name: string, parse: (text: string) => Parsed<T>): T | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const result = parse(text);
    if (result.ok) return result.value;
    this.problem(name, result.reason);
    return undefined;
  }
}

/** An unknown parameter's name goes into the answer: keep it short and printable. */
function safeName(name: string): string {
  const cleaned = name.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 40 ? `${cleaned.slice(0, 40)}…` : cleaned;
}

import type { ProblemBody } from '@pa/contracts';

export type Params = Record<string, string | number | boolean | undefined>;

/** An answer that was not 2xx: the problem+json body when there is one, else a made-up one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.detail);
  }

  /** 503 from a shard that did not answer: `allow_partial` may help. */
  get isShardDown(): boolean {
    return this.status === 503 && this.problem.code === 'SHARD_UNAVAILABLE';
  }
}

/**
 * The one way the dashboard talks to the query API (same origin, public endpoints only). Every
 * request goes through `get`, so access control needs one change: set `readKey` (kept for the
 * session only) and every request carries `Authorization: Bearer <key>`.
 */
export class ApiClient {
  /** the read key (read-key.ts keeps it in sessionStorage); sent as `Authorization: Bearer` */
  readKey: string | undefined;
  /** told when the API refuses the key (401): the page asks for another */
  onUnauthorized: ((problem: ProblemBody) => void) | undefined;

  constructor(private readonly base = '') {}

  async get<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    const response = await fetch(this.url(path, params), { headers: this.headers(), signal });
    const text = await response.text();
    const body = parse(text);
    if (!response.ok) {
      const problem = toProblem(response.status, body, text);
      if (response.status === 401) this.onUnauthorized?.(problem);
      throw new ApiError(response.status, problem);
    }
    return body as T;
  }

  url(path: string, params: Params = {}): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, String(value));
    return `${this.base}${path}${query.size ? `?${query}` : ''}`;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.readKey) headers.authorization = `Bearer ${this.readKey}`;
    return headers;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toProblem(status: number, body: unknown, text: string): ProblemBody {
  if (body && typeof body === 'object' && 'detail' in body) return body as ProblemBody;
  return { title: `HTTP ${status}`, status, code: 'HTTP_ERROR', detail: text.slice(0, 200) || `the API answered ${status}` };
}

/** The shared client. */
export const api = new ApiClient();

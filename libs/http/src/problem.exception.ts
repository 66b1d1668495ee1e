/**
 * An error that becomes an RFC 9457 `application/problem+json` answer. `code` is a stable,
 * machine-readable name (twenty's custom-exception shape); `errors` lists field problems as
 * `pointer: message` lines; `headers` are added to the response (e.g. Retry-After).
 */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extras: { errors?: string[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: string[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemBody(status: number, code: string, detail: string, errors?: string[]): ProblemBody {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code, ...(errors ? { errors } : {}) };
}

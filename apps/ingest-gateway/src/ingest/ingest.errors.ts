import { ProblemException } from '@pa/http';

/** Stable codes of the gateway's error answers; each maps to one HTTP status. */
export enum IngestErrorCode {
  INVALID_SNAPSHOT = 'INVALID_SNAPSHOT',
  MALFORMED_BODY = 'MALFORMED_BODY',
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  RECORD_TOO_LARGE = 'RECORD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  KAFKA_UNAVAILABLE = 'KAFKA_UNAVAILABLE',
  BACKPRESSURE = 'BACKPRESSURE',
  KAFKA_REFUSED = 'KAFKA_REFUSED',
}

const STATUS: Record<IngestErrorCode, number> = {
  [IngestErrorCode.INVALID_SNAPSHOT]: 400,
  [IngestErrorCode.MALFORMED_BODY]: 400,
  [IngestErrorCode.BODY_TOO_LARGE]: 413,
  [IngestErrorCode.RECORD_TOO_LARGE]: 413,
  [IngestErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [IngestErrorCode.KAFKA_UNAVAILABLE]: 503,
  [IngestErrorCode.BACKPRESSURE]: 503,
  [IngestErrorCode.KAFKA_REFUSED]: 500,
};

export function ingestProblem(
  code: IngestErrorCode,
  detail: string,
  extras?: { errors?: string[]; headers?: Record<string, string> },
): ProblemException {
  return new ProblemException(STATUS[code], code, detail, extras);
}

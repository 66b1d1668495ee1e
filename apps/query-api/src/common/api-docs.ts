import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** RFC 9457 problem details, as libs/http's ProblemFilter writes them. */
export class ProblemDto {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'metric: must be one of cpu_pct, mem_pct, rss_bytes' })
  detail!: string;

  @ApiProperty({ example: 'INVALID_PARAMETER', description: 'stable machine-readable code' })
  code!: string;

  @ApiPropertyOptional({ type: [String], description: 'one `parameter: reason` line per problem' })
  errors?: string[];
}

const WHEN: Record<number, string> = {
  400: 'a parameter is missing, malformed or out of range (`errors` names each one)',
  401: 'no API key, or one that is malformed, unknown, expired or revoked',
  403: 'the key lacks the `read` scope, or `explain` was given without the `admin` scope',
  404: 'unknown machine (or one outside the key\'s read prefixes), or no snapshot at or before `at`',
  429: 'too many failed authentications from this address, or the key\'s request quota is used up (Retry-After says when to retry)',
  503: 'a shard did not answer (and allow_partial was not set); the problem names it',
};

/** Answers of the API key guard, on every /v1 operation. */
const AUTH_STATUSES = [401, 403, 429];

/** Documents the problem+json answers an operation can give (the guard's 401, 403 and 429 included). */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...[...AUTH_STATUSES, ...statuses].sort((a, b) => a - b).map((status) =>
      ApiResponse({ status, description: WHEN[status], content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } } }),
    ),
  );
}

/** The `x-cache` header of fleet-wide answers. */
export const CACHE_HEADER = {
  'x-cache': { description: 'hit: from the cache; miss: computed and cached; bypass: computed, no cache (none configured, Redis down, a partial answer, or explain)', schema: { type: 'string' } },
};

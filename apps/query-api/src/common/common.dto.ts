import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RESOLUTIONS } from '../planning/window-plan';

/** Parameters shared by the windowed queries (documentation only: parsing is in params/). */
export class WindowQueryDto {
  @ApiPropertyOptional({ description: 'window start, RFC 3339 (inclusive), 1970 to 9999; default: `to` minus 1 hour', example: '2026-11-29T10:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'window end, RFC 3339 (exclusive); default: now', example: '2026-11-29T11:00:00Z' })
  to?: string;

  @ApiPropertyOptional({
    enum: RESOLUTIONS,
    description: 'force raw rows (windows up to QUERY_MAX_RAW_WINDOW_HOURS) or a rollup level (1m: up to QUERY_MAX_MINUTE_WINDOW_HOURS); default: the coarsest that fits, raw below 1 hour',
  })
  resolution?: string;
}

/** The flags of an answer assembled from several shards. */
export class FleetAnswerDto {
  @ApiProperty({ description: 'true when some shards did not answer and allow_partial=true was given' })
  partial!: boolean;

  @ApiProperty({ type: [Number], description: 'shards missing from a partial answer' })
  missing_shards!: number[];
}

export const METRIC_DESCRIPTION = 'cpu_pct and mem_pct in percent, rss_bytes in bytes';
export const ALLOW_PARTIAL_DESCRIPTION = 'answer without shards that are down (the answer lists them) instead of a 503';

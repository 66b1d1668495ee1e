import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALLOW_PARTIAL_DESCRIPTION, FleetAnswerDto } from '../common/common.dto';
import { RESOLUTIONS } from '../planning/window-plan';

export class DailyQueryDto {
  @ApiPropertyOptional({ description: 'UTC day YYYY-MM-DD, 1970-01-01 to 9999-12-30 (default: today)', example: '2026-11-29' })
  date?: string;

  @ApiPropertyOptional({ description: 'only this machine' })
  machine_id?: string;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1, description: 'page size (capped by QUERY_MAX_PAGE_SIZE)' })
  limit?: string;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  cursor?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: ALLOW_PARTIAL_DESCRIPTION })
  allow_partial?: string;
}

export class DailyItemDto {
  @ApiProperty() machine_id!: string;
  @ApiProperty({ example: '2026-11-29' }) date!: string;
  @ApiProperty({ description: 'process samples that day' }) samples!: number;
  @ApiProperty({ description: 'distinct (name, pid) pairs seen that day' }) distinct_processes!: number;
  @ApiProperty({ description: 'mean cpu_pct over the process samples' }) avg_cpu_pct!: number;
  @ApiProperty({ description: 'mean mem_pct over the process samples' }) avg_mem_pct!: number;
  @ApiProperty({ description: 'largest cpu_pct of one process sample' }) max_cpu_pct!: number;
  @ApiProperty({ description: 'largest mem_pct of one process sample' }) max_mem_pct!: number;
}

export class DailyAnswerDto extends FleetAnswerDto {
  @ApiProperty({ example: '2026-11-29' })
  date!: string;

  @ApiProperty({ enum: RESOLUTIONS })
  resolution!: string;

  @ApiProperty({ type: [DailyItemDto], description: 'machines with process samples that day, by machine_id' })
  items!: DailyItemDto[];

  @ApiProperty({ nullable: true, type: String })
  next_cursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALLOW_PARTIAL_DESCRIPTION, FleetAnswerDto } from '../common/common.dto';
import { SNAPSHOT_SORTS } from './machines.repository';

export class MachineListQueryDto {
  @ApiPropertyOptional({ description: 'only machine ids starting with this', example: 'sim-' })
  prefix?: string;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1, description: 'page size (capped by QUERY_MAX_PAGE_SIZE)' })
  limit?: string;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  cursor?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: ALLOW_PARTIAL_DESCRIPTION })
  allow_partial?: string;
}

export class MachineItemDto {
  @ApiProperty()
  machine_id!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'time of the latest snapshot' })
  last_seen!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'processes in the latest snapshot' })
  processes!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'sum of cpu_pct over the latest snapshot (100 = one core)' })
  cpu_pct!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'sum of mem_pct over the latest snapshot' })
  mem_pct!: number | null;
}

export class MachineListAnswerDto extends FleetAnswerDto {
  @ApiProperty({ type: [MachineItemDto], description: 'sorted by machine_id (byte order)' })
  items!: MachineItemDto[];

  @ApiProperty({ nullable: true, type: String, description: 'pass as `cursor` for the next page; null on the last page' })
  next_cursor!: string | null;
}

export class SnapshotQueryDto {
  @ApiPropertyOptional({ description: 'RFC 3339: the snapshot at or before this instant (default: the latest)' })
  at?: string;

  @ApiPropertyOptional({ enum: SNAPSHOT_SORTS, description: 'sort processes by this field, largest first (default: by pid)' })
  sort?: string;
}

export class ProcessDto {
  @ApiProperty() pid!: number;
  @ApiProperty({ nullable: true, type: Number }) ppid!: number | null;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) username!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'command line as collected, with secrets scrubbed (values of sensitive arguments and variables, URL passwords, Authorization credentials shown as ********)',
  })
  cmdline!: string | null;
  @ApiProperty() cpu_pct!: number;
  @ApiProperty() mem_pct!: number;
  @ApiProperty() rss_bytes!: number;
  @ApiProperty({ nullable: true, type: Number }) vms_bytes!: number | null;
  @ApiProperty({ nullable: true, type: Number }) threads!: number | null;
  @ApiProperty({ nullable: true, type: String }) state!: string | null;
  @ApiProperty({ nullable: true, type: Number }) io_read_bytes!: number | null;
  @ApiProperty({ nullable: true, type: Number }) io_write_bytes!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'RFC 3339 UTC with microseconds, as stored' }) start_time!: string | null;
}

export class SnapshotAnswerDto {
  @ApiProperty()
  machine_id!: string;

  @ApiProperty({ format: 'date-time' })
  ts!: string;

  @ApiProperty({ type: [ProcessDto] })
  processes!: ProcessDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALLOW_PARTIAL_DESCRIPTION, FleetAnswerDto, METRIC_DESCRIPTION, WindowQueryDto } from '../common/common.dto';
import { RESOLUTIONS } from '../planning/window-plan';
import { METRICS } from '../sql/metric-columns';

export class SeriesQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ enum: METRICS, default: 'cpu_pct', description: METRIC_DESCRIPTION })
  metric?: string;

  @ApiPropertyOptional({
    description:
      'bucket width: a whole number of s, m, h or d (30s, 5m, 1h, 1d), at most the widest window; buckets start at multiples of the step since the Unix epoch. ' +
      'Windows over 1 h need a whole number of minutes, over 7 days of hours (otherwise raw rows or 1-minute rollups would serve the whole window; the 400 names the least step allowed), ' +
      'and at most QUERY_MAX_POINTS buckets. Default: a round step giving at most 300 points within these rules',
    example: '5m',
  })
  step?: string;
}

export class ProcessSeriesQueryDto extends SeriesQueryDto {
  @ApiPropertyOptional({ description: 'only this machine (default: the whole fleet)' })
  machine_id?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: ALLOW_PARTIAL_DESCRIPTION })
  allow_partial?: string;
}

export class PointDto {
  @ApiProperty({ format: 'date-time', description: 'bucket start' })
  t!: string;

  @ApiProperty({ description: 'sum of the metric over the process samples in the bucket' })
  sum!: number;

  @ApiProperty({ description: 'number of process samples' })
  count!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'largest sample (null when the bucket only has empty snapshots)' })
  max!: number | null;
}

export class MachinePointDto extends PointDto {
  @ApiProperty({ description: 'snapshots in the bucket: sum / snapshots is the average total load of the machine' })
  snapshots!: number;
}

class SeriesAnswerDto {
  @ApiProperty({ enum: METRICS })
  metric!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ example: '5m' })
  step!: string;

  @ApiProperty({ enum: RESOLUTIONS, description: 'the coarsest level the answer used' })
  resolution!: string;
}

export class MachineSeriesAnswerDto extends SeriesAnswerDto {
  @ApiProperty()
  machine_id!: string;

  @ApiProperty({ type: [MachinePointDto], description: 'buckets with data, in time order' })
  points!: MachinePointDto[];
}

export class ProcessSeriesAnswerDto extends FleetAnswerDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ nullable: true, type: String })
  machine_id!: string | null;

  @ApiProperty({ enum: METRICS })
  metric!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ example: '5m' })
  step!: string;

  @ApiProperty({ enum: RESOLUTIONS })
  resolution!: string;

  @ApiProperty({ type: [PointDto], description: 'buckets with data, in time order' })
  points!: PointDto[];
}

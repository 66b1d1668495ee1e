import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALLOW_PARTIAL_DESCRIPTION, FleetAnswerDto, METRIC_DESCRIPTION, WindowQueryDto } from '../common/common.dto';
import { RESOLUTIONS } from '../planning/window-plan';
import { METRICS } from '../sql/metric-columns';
import { TOP_BY, TOP_ORDERS } from './top.repository';

export class TopQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ enum: METRICS, default: 'cpu_pct', description: METRIC_DESCRIPTION })
  metric?: string;

  @ApiPropertyOptional({ enum: TOP_BY, default: 'process', description: 'group by process name or by machine' })
  by?: string;

  @ApiPropertyOptional({ enum: TOP_ORDERS, default: 'sum', description: 'rank by the sum, the average or the maximum of the metric' })
  order?: string;

  @ApiPropertyOptional({ type: Number, default: 10, minimum: 1, description: 'number of items (capped by QUERY_MAX_TOP_LIMIT)' })
  limit?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: ALLOW_PARTIAL_DESCRIPTION })
  allow_partial?: string;
}

export class TopItemDto {
  @ApiProperty({ description: 'process name or machine_id' })
  key!: string;

  @ApiProperty({ description: 'sum of the metric over all process samples of the group in the window' })
  sum!: number;

  @ApiProperty({ description: 'number of process samples' })
  count!: number;

  @ApiProperty({ description: 'sum / count' })
  avg!: number;

  @ApiProperty({ description: 'largest single sample' })
  max!: number;
}

export class TopAnswerDto extends FleetAnswerDto {
  @ApiProperty({ enum: METRICS })
  metric!: string;

  @ApiProperty({ enum: TOP_BY })
  by!: string;

  @ApiProperty({ enum: TOP_ORDERS })
  order!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ enum: RESOLUTIONS, description: 'the coarsest level the answer used (finer levels and raw rows fill edges and unsummarized data)' })
  resolution!: string;

  @ApiProperty({ type: [TopItemDto] })
  items!: TopItemDto[];
}

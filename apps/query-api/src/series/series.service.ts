import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { Answered, CachedAnswers, FleetAnswer } from '../cache/cached-answers.service';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { mergeAggregates, mergeKeyed, toNumber } from '../merge/partials';
import { readMachineId, readProcessName } from '../params/path-params';
import { QueryParams, RawQuery } from '../params/query-params';
import { formatDuration } from '../params/time';
import { planWithinBudget, readAllowPartial, readResolution, readStep, readWindow } from '../params/window-params';
import { Resolution } from '../planning/window-plan';
import { MachinesRepository } from '../machines/machines.repository';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ReadTenant, assertReadable } from '../tenant/read-tenant';
import { METRICS, Metric } from '../sql/metric-columns';
import { SeriesPoint, SeriesQuery, SeriesRepository } from './series.repository';

export interface PointBody {
  t: string;
  sum: number;
  count: number;
  max: number | null;
  snapshots?: number;
}

interface SeriesAnswer {
  metric: Metric;
  from: string;
  to: string;
  step: string;
  resolution: Resolution;
  points: PointBody[];
}

export interface MachineSeriesAnswer extends SeriesAnswer {
  machine_id: string;
}

export interface ProcessSeriesAnswer extends SeriesAnswer, FleetAnswer {
  name: string;
  machine_id: string | null;
}

const MACHINE_PARAMS = ['metric', 'from', 'to', 'step', 'resolution'] as const;
const PROCESS_PARAMS = ['metric', 'from', 'to', 'step', 'resolution', 'machine_id', 'allow_partial'] as const;

/** Time series of one machine, or of one process name across the fleet. */
@Injectable()
export class SeriesService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly repository: SeriesRepository,
    private readonly machines: MachinesRepository,
    private readonly answers: CachedAnswers,
  ) {}

  async machineSeries(id: string | undefined, raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<MachineSeriesAnswer> {
    const q = new QueryParams(raw, MACHINE_PARAMS);
    const machineId = readMachineId(q, 'id', id);
    const query = this.readSeries(q, nowMs)();
    assertReadable(machineId as string, tenant);
    const points = await this.repository.machineSeries({ ...query, machineId: machineId as string });
    if (points.length === 0) await this.assertMachineExists(machineId as string);
    return { machine_id: machineId as string, ...this.describe(query), points: points.map(toBody) };
  }

  async processSeries(name: string | undefined, raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<Answered<ProcessSeriesAnswer>> {
    const q = new QueryParams(raw, PROCESS_PARAMS);
    const processName = readProcessName(q, 'name', name) as string;
    const machineId = readMachineId(q, 'machine_id', q.text('machine_id'));
    const series = this.readSeries(q, nowMs);
    const allowPartial = readAllowPartial(q);
    const query = { ...series(), machineId, name: processName, tenant };
    if (machineId !== undefined) assertReadable(machineId, tenant);
    const compute = async (): Promise<ProcessSeriesAnswer> => {
      const { values, missing } = await this.repository.processSeries(query, allowPartial);
      const merged = mergeKeyed(values.map((points) => points.map((point) => ({ key: String(point.t), value: point }))), (a, b) => ({
        ...a,
        ...mergeAggregates(a, b),
      }));
      const points = [...merged.values()].sort((a, b) => a.t - b.t);
      if (points.length === 0 && machineId !== undefined) await this.assertMachineExists(machineId);
      const described = { name: processName, machine_id: machineId ?? null, ...this.describe(query), points: points.map(toBody) };
      return { ...described, partial: missing.length > 0, missing_shards: missing };
    };
    // One machine's series reads one shard: not worth a cache round trip (and not fleet-wide).
    if (machineId !== undefined) return { body: await compute(), cache: 'bypass' };
    return this.answers.answer('process-series', { ...query }, allowPartial, compute);
  }

  /**
   * Reads the series parameters; the returned function finishes `q` (a 400 naming every bad
   * parameter, the ones read after this call included) and only then plans the query.
   */
  private readSeries(q: QueryParams, nowMs: number): () => SeriesQuery {
    const limits = this.config.limits;
    const metric = q.choice('metric', METRICS, 'cpu_pct');
    const window = readWindow(q, limits, nowMs);
    const forced = readResolution(q, window, limits);
    const stepMs = readStep(q, window, limits, forced);
    return () => {
      q.finish();
      return { metric, stepMs, plan: planWithinBudget(window, limits, forced, stepMs) };
    };
  }

  private describe(query: SeriesQuery): Omit<SeriesAnswer, 'points'> {
    const { window, resolution } = query.plan;
    return {
      metric: query.metric,
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      step: formatDuration(query.stepMs),
      resolution,
    };
  }

  private async assertMachineExists(machineId: string): Promise<void> {
    if (!(await this.machines.exists(machineId))) {
      throw queryProblem(QueryErrorCode.MACHINE_NOT_FOUND, `machine ${machineId} is unknown: it never sent a snapshot`);
    }
  }
}

function toBody(point: SeriesPoint): PointBody {
  const body: PointBody = { t: new Date(point.t).toISOString(), sum: toNumber(point.sum), count: point.count, max: point.max };
  if (point.snapshots !== undefined) body.snapshots = point.snapshots;
  return body;
}

import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { Answered, CachedAnswers, FleetAnswer } from '../cache/cached-answers.service';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { MachinesRepository } from '../machines/machines.repository';
import { decodeCursor, mergePages } from '../machines/machine-cursor';
import { readMachineId } from '../params/path-params';
import { QueryParams, RawQuery } from '../params/query-params';
import { DAY_MS } from '../params/time';
import { planWithinBudget, readAllowPartial } from '../params/window-params';
import { Resolution } from '../planning/window-plan';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ReadTenant, assertReadable } from '../tenant/read-tenant';
import { DailyRow, SummaryRepository } from './summary.repository';

export interface DailyItem {
  machine_id: string;
  date: string;
  samples: number;
  distinct_processes: number;
  avg_cpu_pct: number;
  avg_mem_pct: number;
  max_cpu_pct: number;
  max_mem_pct: number;
}

export interface DailyAnswer extends FleetAnswer {
  date: string;
  resolution: Resolution;
  items: DailyItem[];
  next_cursor: string | null;
}

const PARAMS = ['date', 'machine_id', 'limit', 'cursor', 'allow_partial'] as const;
const DEFAULT_PAGE = 100;

/** Per machine totals of one UTC day. */
@Injectable()
export class SummaryService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly repository: SummaryRepository,
    private readonly machines: MachinesRepository,
    private readonly answers: CachedAnswers,
  ) {}

  async daily(raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<Answered<DailyAnswer>> {
    const q = new QueryParams(raw, PARAMS);
    const dayMs = q.date('date') ?? Math.floor(nowMs / DAY_MS) * DAY_MS;
    const machineId = readMachineId(q, 'machine_id', q.text('machine_id'));
    const limit = q.int('limit', { min: 1, max: this.config.limits.maxPageSize }, Math.min(DEFAULT_PAGE, this.config.limits.maxPageSize));
    const cursor = q.text('cursor');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined) q.problem('cursor', 'is not a cursor this API gave out (use next_cursor as is)');
    const allowPartial = readAllowPartial(q);
    q.finish();
    if (machineId !== undefined) assertReadable(machineId, tenant);
    const window = { from: dayMs, to: dayMs + DAY_MS };
    const query = { plan: planWithinBudget(window, this.config.limits), machineId, after, limit, tenant };
    const date = new Date(dayMs).toISOString().slice(0, 10);
    const compute = async (): Promise<DailyAnswer> => {
      const { values, missing } = await this.repository.daily(query, allowPartial);
      const { items, nextCursor } = mergePages(values, limit);
      if (items.length === 0 && machineId !== undefined && !(await this.machines.exists(machineId))) {
        throw queryProblem(QueryErrorCode.MACHINE_NOT_FOUND, `machine ${machineId} is unknown: it never sent a snapshot`);
      }
      const body = { date, resolution: query.plan.resolution, items: items.map((row) => toItem(row, date)), next_cursor: nextCursor };
      return { ...body, partial: missing.length > 0, missing_shards: missing };
    };
    if (machineId !== undefined) return { body: await compute(), cache: 'bypass' };
    return this.answers.answer('daily', { ...query }, allowPartial, compute);
  }
}

function toItem(row: DailyRow, date: string): DailyItem {
  const samples = Number(row.samples);
  return {
    machine_id: row.machine_id,
    date,
    samples,
    distinct_processes: Number(row.distinct_processes),
    avg_cpu_pct: Number(row.cpu_sum) / samples,
    avg_mem_pct: Number(row.mem_sum) / samples,
    max_cpu_pct: Number(row.cpu_max),
    max_mem_pct: Number(row.mem_max),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import { Answered, CachedAnswers, FleetAnswer } from '../cache/cached-answers.service';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { readMachineId } from '../params/path-params';
import { QueryParams, RawQuery } from '../params/query-params';
import { readAllowPartial } from '../params/window-params';
import { QUERY_CONFIG } from '../query-api.tokens';
import { ReadTenant, assertReadable } from '../tenant/read-tenant';
import { decodeCursor, mergePages } from './machine-cursor';
import { MachineRow, MachinesRepository, ProcessRow, SNAPSHOT_SORTS } from './machines.repository';

export interface MachineItem {
  machine_id: string;
  last_seen: string | null;
  processes: number | null;
  cpu_pct: number | null;
  mem_pct: number | null;
}

export interface MachineListAnswer extends FleetAnswer {
  items: MachineItem[];
  next_cursor: string | null;
}

export interface SnapshotAnswer {
  machine_id: string;
  ts: string;
  processes: Record<string, unknown>[];
}

const LIST_PARAMS = ['prefix', 'limit', 'cursor', 'allow_partial'] as const;
const SNAPSHOT_PARAMS = ['at', 'sort'] as const;
const DEFAULT_PAGE = 100;

/** The machines of the fleet (paged) and their snapshots. */
@Injectable()
export class MachinesService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly repository: MachinesRepository,
    private readonly answers: CachedAnswers,
  ) {}

  async list(raw: RawQuery, tenant: ReadTenant): Promise<Answered<MachineListAnswer>> {
    const q = new QueryParams(raw, LIST_PARAMS);
    const prefix = q.text('prefix');
    if (prefix !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(prefix)) q.problem('prefix', 'must be 1-128 characters of letters, digits and . _ : -');
    const limit = q.int('limit', { min: 1, max: this.config.limits.maxPageSize }, Math.min(DEFAULT_PAGE, this.config.limits.maxPageSize));
    const cursor = q.text('cursor');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined) q.problem('cursor', 'is not a cursor this API gave out (use next_cursor as is)');
    const allowPartial = readAllowPartial(q);
    q.finish();
    const page = { prefix, after, limit, tenant };
    return this.answers.answer('machines', page, allowPartial, async () => {
      const { values, missing } = await this.repository.page(page, allowPartial);
      const { items, nextCursor } = mergePages(values, limit);
      return { items: items.map(toItem), next_cursor: nextCursor, partial: missing.length > 0, missing_shards: missing };
    });
  }

  async snapshot(id: string | undefined, raw: RawQuery, tenant: ReadTenant): Promise<SnapshotAnswer> {
    const q = new QueryParams(raw, SNAPSHOT_PARAMS);
    const machineId = readMachineId(q, 'id', id) as string;
    const at = q.instant('at', 'floor');
    const sort = q.choice('sort', SNAPSHOT_SORTS);
    q.finish();
    assertReadable(machineId, tenant);
    const rows = await this.repository.snapshot(machineId, at, sort);
    if (rows.length === 0) {
      if (!(await this.repository.exists(machineId))) {
        throw queryProblem(QueryErrorCode.MACHINE_NOT_FOUND, `machine ${machineId} is unknown: it never sent a snapshot`);
      }
      throw queryProblem(QueryErrorCode.SNAPSHOT_NOT_FOUND, `machine ${machineId} has no snapshot at or before ${new Date(at as number).toISOString()}`);
    }
    return { machine_id: machineId, ts: rows[0].ts.toISOString(), processes: rows.filter((r) => r.pid !== null).map(toProcess) };
  }
}

function toItem(row: MachineRow): MachineItem {
  return {
    machine_id: row.machine_id,
    last_seen: row.last_seen?.toISOString() ?? null,
    processes: row.processes,
    cpu_pct: row.cpu_pct === null ? null : Number(row.cpu_pct),
    mem_pct: row.mem_pct === null ? null : Number(row.mem_pct),
  };
}

function toProcess(row: ProcessRow): Record<string, unknown> {
  const { ts: _ts, start_time, ...fields } = row;
  return { ...fields, start_time: typeof start_time === 'string' ? start_time : null };
}

import { Injectable } from '@nestjs/common';
import { Scattered, ShardFanout } from '../shards/shard-fanout.service';
import { planWindow } from '../planning/window-plan';
import { MachineScope } from './insight-sql';
import { LeakQuery, LeakRow, leaksSql } from './leaks.sql';
import { NameRow, PresenceRow, ReportRow, presenceSql, recentNamesSql, reportsSql } from './missing.sql';

export interface MissingQuery {
  baseFrom: number;
  recentFrom: number;
  at: number;
  stepMs: number;
  scope: MachineScope;
}

export interface ShardMissing {
  presence: PresenceRow[];
  reports: ReportRow[];
  recent: NameRow[];
}

/** The insights' statements, on the one shard of a named machine or on every shard. */
@Injectable()
export class InsightsRepository {
  constructor(private readonly shards: ShardFanout) {}

  leaks(q: LeakQuery, allowPartial: boolean): Promise<Scattered<LeakRow[]>> {
    const sql = leaksSql(q);
    return this.shards.scatter(this.shardsOf(q.scope), allowPartial, async (shard) =>
      (await this.shards.query<LeakRow>(shard, sql)).map((row) => ({ ...row, slope: Number(row.slope), r2: row.r2 === null ? null : Number(row.r2) })),
    );
  }

  missing(q: MissingQuery, allowPartial: boolean): Promise<Scattered<ShardMissing>> {
    // Rollups up to 1 h for the baseline (buckets of whole hours or less), 1 m for the recent window.
    const baseline = planWindow({ from: q.baseFrom, to: q.recentFrom }, '1h', q.stepMs);
    const recent = planWindow({ from: q.recentFrom, to: q.at }, '1m');
    const statements = [presenceSql(baseline, q.stepMs, q.scope), reportsSql(q.baseFrom, q.recentFrom, q.at, q.stepMs, q.scope), recentNamesSql(recent, q.scope)];
    return this.shards.scatter(this.shardsOf(q.scope), allowPartial, async (shard) => {
      const [presence, reports, names] = await Promise.all(statements.map((sql) => this.shards.query(shard, sql)));
      return { presence: presence as PresenceRow[], reports: reports as ReportRow[], recent: names as NameRow[] };
    });
  }

  private shardsOf(scope: MachineScope): number[] {
    return scope.machineId === undefined ? this.shards.allShards : [this.shards.shardOf(scope.machineId)];
  }
}

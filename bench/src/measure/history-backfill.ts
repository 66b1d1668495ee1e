import { Pool } from 'pg';
import { Kafka } from 'kafkajs';
import { SNAPSHOTS_TOPIC_PARTITIONS } from '@pa/contracts';
import { consumerLag } from '@pa/kafka';
import { createTopic } from '../data/topic-filler';
import { AppProcess, pollUntil } from '../support/app-process';

export interface Backfill {
  brokers: string[];
  kafka: Kafka;
  topic: string;
  groupId: string;
  logDir: string;
  machines: number;
  processes: number;
  intervalSeconds: number;
  startMs: number;
  /** machine ids are this prefix + 0001…; default bench-q- */
  prefix?: string;
  /** the collector's log label; default collector-history */
  label?: string;
}

/**
 * 24 h (or whatever lies between `startMs` and now) of a simulated fleet, produced straight into Kafka
 * by the collector's back-fill (`collector simulate --kafka --start …`), as fast as Kafka takes it.
 * Resolves when the collector has exited successfully.
 */
export async function backfillHistory(run: Backfill): Promise<void> {
  const args = [
    'simulate', '--kafka', '--machines', String(run.machines), '--processes', String(run.processes),
    '--interval', `${run.intervalSeconds}s`, '--start', new Date(run.startMs).toISOString().replace(/\.\d+Z$/, 'Z'), '--prefix', run.prefix ?? 'bench-q-',
  ];
  const env = { KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC: run.topic, COLLECTOR_PROGRESS_INTERVAL_MS: '10000' };
  // The collector's Kafka principal may write snapshot topics but not create them: the bench (admin) does.
  await createTopic(run.kafka, run.topic, SNAPSHOTS_TOPIC_PARTITIONS);
  const collector = new AppProcess('collector', env, run.logDir, run.label ?? 'collector-history', args).start();
  const code = await collector.exited();
  if (code !== 0) throw new Error(`collector back-fill exited ${code}; see ${collector.logPath}`);
}

/** Waits until the writer's group has committed the whole topic and every shard's outbox is empty (rollups current). */
export async function waitSettled(run: Backfill, pools: Pool[], timeoutMs: number): Promise<void> {
  const admin = run.kafka.admin();
  await admin.connect();
  try {
    const lag = async () => (await consumerLag(admin, run.groupId, run.topic)).reduce((n, p) => n + p.lag, 0);
    await pollUntil(lag, (n) => n === 0, timeoutMs, 'the writer to drain the history', 500);
  } finally {
    await admin.disconnect();
  }
  const depth = async () => {
    // The fleet rollups' outbox too (migration 017): until it is empty, fleet answers read per-machine rows.
    const counts = await Promise.all(
      pools.map((p) => p.query<{ n: string }>('SELECT (SELECT count(*) FROM rollup_outbox) + (SELECT count(*) FROM fleet_rollup_outbox) AS n')),
    );
    return counts.reduce((n, r) => n + Number(r.rows[0].n), 0);
  };
  await pollUntil(depth, (n) => n === 0, timeoutMs, 'the summarizer to empty the outbox and the fleet outbox', 500);
}

import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { buildSnapshot, freePort, pollUntil, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { Pipeline } from './support/pipeline';
import { scrape, sumOf } from './support/prometheus-text';
import { startQueryApi } from './support/query-api';
import { countsByShard, total } from './support/shard-queries';
import { startSummarizer } from './support/summarizer';
import { shardPools, testKafka } from './support/test-stack';
import { ZipkinSpan, has, waitForTrace, zipkinEnv } from './support/zipkin';
import { authHeaders } from './support/auth';

describe('observability: traces, metrics, lag', () => {
  let pools: Pool[];

  beforeAll(() => {
    pools = shardPools();
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  it('one POST with a traceparent: gateway, produce and writer spans in one trace; the batch trace has the shard COPY', async () => {
    const pipeline = await new Pipeline(zipkinEnv(), zipkinEnv()).start();
    try {
      const traceId = randomBytes(16).toString('hex');
      const machine = `e2e-trace-${uniqueSuffix()}`;
      const response = await pipeline.post(JSON.stringify(buildSnapshot(machine, 5)), {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      });
      expect(response.status).toBe(202);
      const spans = await waitForTrace(traceId, (s) => Boolean(has(s, 'writer', /^writer\.record$/)));
      const server = has(spans, 'ingest-gateway', /^post/i);
      const produce = spans.find((s) => s.localEndpoint.serviceName === 'ingest-gateway' && s.kind === 'PRODUCER');
      const record = has(spans, 'writer', /^writer\.record$/) as ZipkinSpan;
      expect(server).toBeDefined();
      expect(produce?.name).toContain(pipeline.topic);
      expect(record.parentId).toBe(produce?.id);

      const batchTraceId = record.tags?.['batch.trace_id'] as string;
      const batch = await waitForTrace(batchTraceId, (s) => Boolean(has(s, 'writer', /^process_samples\.copy$/)));
      const copy = has(batch, 'writer', /^process_samples\.copy$/);
      expect(copy?.tags).toMatchObject({ rows: '5', shard: expect.stringMatching(/^[01]$/) });
      expect(Number(copy?.tags?.bytes)).toBeGreaterThan(0);
      for (const name of [/^writer\.batch$/, /^ledger\.insert$/, /^commit$/, /^kafka\.commit_offsets$/]) expect(has(batch, 'writer', name)).toBeDefined();
    } finally {
      await pipeline.stop();
    }
  });

  it('a query-api request: one trace, its server span the root of a shard.query span per shard, each with its pg statements under it', async () => {
    const api = await startQueryApi({ ...zipkinEnv(), OTEL_SDK_DISABLED: 'false' });
    try {
      const traceId = randomBytes(16).toString('hex');
      const response = await fetch(api.url('/v1/top?metric=cpu_pct&by=process&limit=3'), { headers: { ...authHeaders(), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
      expect(response.status).toBe(200);
      const isComplete = (spans: ZipkinSpan[]) => spans.filter((s) => s.name === 'shard.query' && s.tags?.shard === '0').length > 0 && spans.filter((s) => s.name === 'shard.query' && s.tags?.shard === '1').length > 0;
      const spans = await waitForTrace(traceId, isComplete);
      const server = has(spans, 'query-api', /^get/i) as ZipkinSpan;
      expect(server.kind).toBe('SERVER');
      const byId = new Map(spans.map((s) => [s.id, s]));
      const rootOf = (span: ZipkinSpan): ZipkinSpan => (span.parentId && byId.has(span.parentId) ? rootOf(byId.get(span.parentId) as ZipkinSpan) : span);
      const shardQueries = spans.filter((s) => s.name === 'shard.query');
      expect([...new Set(shardQueries.map((s) => s.tags?.shard))].sort()).toEqual(['0', '1']);
      for (const query of shardQueries) {
        expect(rootOf(query).id).toBe(server.id);
        // pg's own spans under it: the shape's named statement alone (pg.query:pa-top-…, planned once
        // per connection of the generic-plans pool: top.repository.ts; no transaction around it;
        // Zipkin lowercases span names); pg-pool.connect too when a connection was taken.
        const pg = spans.filter((s) => s.parentId === query.id && s.kind === 'CLIENT' && s.name.startsWith('pg.query'));
        const commands = pg.map((s) => s.name.replace(/^pg\.query:/, '').split(' ')[0]);
        expect(commands).toEqual([expect.stringMatching(/^pa-top-/)]);
        expect(pg.every((s) => (s.tags?.['db.system'] ?? s.tags?.['db.system.name']) === 'postgresql')).toBe(true);
      }
    } finally {
      await api.stop();
    }
  });

  it('tracing off: no exporter traffic, and ingest still works (tracing on, same harness: traffic)', async () => {
    const received = { off: 0, on: 0 };
    let mode: 'off' | 'on' = 'off';
    const fake = createServer((req, res) => {
      received[mode]++;
      req.resume().on('end', () => res.writeHead(202).end());
    });
    const port = await freePort();
    await new Promise<void>((r) => fake.listen(port, '127.0.0.1', r));
    const exporter = { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans`, OTEL_BSP_SCHEDULE_DELAY: '100' };
    try {
      for (const m of ['off', 'on'] as const) {
        mode = m;
        const env = m === 'off' ? { ...exporter, OTEL_SDK_DISABLED: 'true' } : exporter;
        const pipeline = await new Pipeline(env, env).start();
        const machine = `e2e-notrace-${m}-${uniqueSuffix()}`;
        expect((await pipeline.post(JSON.stringify(buildSnapshot(machine, 3)))).status).toBe(202);
        await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 3, { timeoutMs: 30_000 });
        await pipeline.stop(); // SIGTERM: a running SDK flushes its spans on shutdown
      }
      expect(received.off).toBe(0);
      expect(received.on).toBeGreaterThan(0);
    } finally {
      fake.close();
    }
  });

  it('every service serves Prometheus text with the metrics SREs alert on', async () => {
    const pipeline = await new Pipeline().start();
    const summarizer = await startSummarizer();
    try {
      const machine = `e2e-metrics-${uniqueSuffix()}`;
      expect((await pipeline.post(JSON.stringify(buildSnapshot(machine, 4)))).status).toBe(202);
      expect((await pipeline.post('{', { 'content-type': 'application/json' })).status).toBe(400);
      await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 4, { timeoutMs: 30_000 });

      const gateway = await scrape(`${pipeline.gatewayUrl}/metrics`);
      expect(sumOf(gateway.filter((s) => s.labels.status === '202'), 'pa_http_requests_total')).toBe(1);
      expect(sumOf(gateway.filter((s) => s.labels.status === '400'), 'pa_http_requests_total')).toBe(1);
      expect(sumOf(gateway.filter((s) => s.labels.outcome === 'accepted'), 'pa_gateway_records_total')).toBe(1);
      expect(sumOf(gateway, 'pa_gateway_produce_seconds_count')).toBe(1);

      const writer = await pollUntil(() => scrape(`${pipeline.writerUrl}/metrics`), (s) => sumOf(s, 'pa_writer_rows_copied_total') === 4, {
        timeoutMs: 30_000,
      });
      for (const name of ['pa_writer_records_consumed_total', 'pa_writer_snapshots_stored_total', 'pa_writer_duplicates_dropped_total', 'pa_writer_dlq_records_total', 'pa_writer_batch_rows_count', 'pa_writer_shard_write_seconds_count', 'pa_writer_consumer_lag', 'pa_writer_parked_bytes']) {
        expect(writer.some((s) => s.name === name)).toBe(true);
      }
      const summary = await pollUntil(() => scrape(summarizer.url('/metrics')), (s) => sumOf(s, 'pa_summarizer_recompute_seconds_count') > 0, {
        timeoutMs: 30_000,
        what: 'a recompute',
      });
      for (const name of ['pa_summarizer_outbox_depth', 'pa_summarizer_rollup_freshness_seconds']) {
        expect(summary.filter((s) => s.name === name).map((s) => s.labels.shard).sort()).toEqual(['0', '1']);
      }
    } finally {
      await summarizer.stop();
      await pipeline.stop();
    }
  });

  it('consumer lag rises while the writer is stopped and returns to 0 once it caught up', async () => {
    // A throttled writer (small fetches, one partition at a time) takes a while on the backlog.
    const pipeline = await new Pipeline({ WRITER_CONCURRENCY: '1', WRITER_MAX_BYTES_PER_PARTITION: '65536' }).start();
    try {
      await pipeline.writer.stop();
      const producer = testKafka().producer();
      await producer.connect();
      const prefix = `e2e-lag-${uniqueSuffix()}`;
      for (let batch = 0; batch < 10; batch++) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const s = buildSnapshot(`${prefix}-${i % 50}`, 30, Date.now() - (batch * 200 + i) * 1000);
          return snapshotRecord(s);
        });
        await producer.send({ topic: pipeline.topic, messages });
      }
      await producer.disconnect();
      await pipeline.startWriter();
      const first = await scrape(`${pipeline.writerUrl}/metrics`);
      expect(sumOf(first, 'pa_writer_consumer_lag')).toBeGreaterThan(0);
      const caughtUp = await pollUntil(() => scrape(`${pipeline.writerUrl}/metrics`), (s) => sumOf(s, 'pa_writer_consumer_lag') === 0, {
        timeoutMs: 120_000,
        what: 'lag back to 0',
      });
      expect(caughtUp.filter((s) => s.name === 'pa_writer_consumer_lag').length).toBe(12);
    } finally {
      await pipeline.stop();
    }
  });

  it('npm run profile prints the slowest statements merged across shards', async () => {
    const pipeline = await new Pipeline().start();
    try {
      const machines = [`e2e-prof-a-${uniqueSuffix()}`, `e2e-prof-b-${uniqueSuffix()}`];
      for (const m of machines) expect((await pipeline.post(JSON.stringify(buildSnapshot(m, 3)))).status).toBe(202);
      await pollUntil(() => countsByShard(pools, 'e2e-prof-'), (c) => total(c).rows >= 6, { timeoutMs: 30_000 });
    } finally {
      await pipeline.stop();
    }
    const output = execFileSync(process.execPath, [resolve(__dirname, '../../dist/libs/pg-shards/src/profile.cli.js'), '--limit', '50'], {
      env: process.env,
    }).toString();
    const lines = output.trim().split('\n');
    expect(lines[0]).toMatch(/calls +mean ms +total ms +rows +shards +query/);
    expect(lines.find((l) => l.includes('COPY process_samples'))).toMatch(/^\s+\d+\s+[\d.]+\s+\d+\s+\d+\s+0,1\s/);
  });
});

-- Rollups, stored as mergeable partials (sums, counts, minima, maxima, pid sets) so any set of
-- buckets, machines and shards combines exactly. Buckets are UTC. Rebuilt by the summarizer from
-- raw rows (1m) and from the finer level (1h from 1m, 1d from 1h); never incremented.
--
-- machine_rollup_*: per machine. *_sum and *_max are over every process sample in the bucket;
-- *_total_max is the largest per-snapshot total (the machine's peak load).
-- process_rollup_*: per machine and process name.
CREATE TABLE machine_rollup_1m (
  machine_id    text             NOT NULL,
  bucket        timestamptz      NOT NULL,
  snapshots     integer          NOT NULL,
  samples       bigint           NOT NULL,
  cpu_sum       double precision NOT NULL,
  cpu_max       double precision,
  cpu_total_max double precision NOT NULL,
  mem_sum       double precision NOT NULL,
  mem_max       double precision,
  mem_total_max double precision NOT NULL,
  rss_sum       numeric          NOT NULL,
  rss_max       bigint,
  rss_total_max numeric          NOT NULL,
  PRIMARY KEY (machine_id, bucket)
);
CREATE TABLE machine_rollup_1h (LIKE machine_rollup_1m INCLUDING ALL);
CREATE TABLE machine_rollup_1d (LIKE machine_rollup_1m INCLUDING ALL);

CREATE TABLE process_rollup_1m (
  machine_id text             NOT NULL,
  name       text             NOT NULL,
  bucket     timestamptz      NOT NULL,
  samples    bigint           NOT NULL,
  cpu_sum    double precision NOT NULL,
  cpu_min    double precision NOT NULL,
  cpu_max    double precision NOT NULL,
  mem_sum    double precision NOT NULL,
  mem_min    double precision NOT NULL,
  mem_max    double precision NOT NULL,
  rss_sum    numeric          NOT NULL,
  rss_min    bigint           NOT NULL,
  rss_max    bigint           NOT NULL,
  -- the distinct pids seen, sorted: a set merges exactly where a count would not
  pids       bigint[]         NOT NULL,
  PRIMARY KEY (machine_id, name, bucket)
);
CREATE TABLE process_rollup_1h (LIKE process_rollup_1m INCLUDING ALL);
CREATE TABLE process_rollup_1d (LIKE process_rollup_1m INCLUDING ALL);

-- Fleet-wide time windows (top-N over an hour, a day) scan by bucket.
CREATE INDEX machine_rollup_1m_bucket ON machine_rollup_1m (bucket);
CREATE INDEX machine_rollup_1h_bucket ON machine_rollup_1h (bucket);
CREATE INDEX machine_rollup_1d_bucket ON machine_rollup_1d (bucket);
CREATE INDEX process_rollup_1m_bucket ON process_rollup_1m (bucket);
CREATE INDEX process_rollup_1h_bucket ON process_rollup_1h (bucket);
CREATE INDEX process_rollup_1d_bucket ON process_rollup_1d (bucket);

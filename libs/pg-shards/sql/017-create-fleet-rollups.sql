-- Fleet rollups (issue 15): per process name and bucket, over every machine this node holds.
-- A fleet-wide top-N over 24 h then reads about 24 × names rows per node instead of one per
-- machine, name and hour. Mergeable partials like the per-machine rollups (sums, counts, minima,
-- maxima); no pid sets: pids of different machines are different processes, nothing reads them
-- fleet-wide. Rebuilt from the per-machine rollups of the same level, never incremented.
--
-- Exactness (apps/query-api/src/sql/layered-query.ts): a fleet row is read only for a bucket
-- that no rollup_outbox row and no fleet_rollup_outbox row overlaps. The summarizer adds a
-- fleet_rollup_outbox row for every (level, bucket) whose per-machine rows it rewrites, in the
-- same transaction; the bucket mover's cleanup does the same for the rows it deletes. The
-- summarizer then claims those rows (SKIP LOCKED) and rebuilds the fleet buckets from the
-- per-machine rows in a later transaction, so a back-fill rebuilds each fleet minute once per
-- claim batch instead of once per machine's claim.
CREATE TABLE process_fleet_rollup_1m (
  name     text             NOT NULL,
  bucket   timestamptz      NOT NULL,
  -- how many machines had the name in the bucket
  machines integer          NOT NULL,
  samples  bigint           NOT NULL,
  cpu_sum  double precision NOT NULL,
  cpu_min  double precision NOT NULL,
  cpu_max  double precision NOT NULL,
  mem_sum  double precision NOT NULL,
  mem_min  double precision NOT NULL,
  mem_max  double precision NOT NULL,
  rss_sum  numeric          NOT NULL,
  rss_min  bigint           NOT NULL,
  rss_max  bigint           NOT NULL,
  -- windows scan by bucket
  PRIMARY KEY (bucket, name)
);
CREATE TABLE process_fleet_rollup_1h (LIKE process_fleet_rollup_1m INCLUDING ALL);
CREATE TABLE process_fleet_rollup_1d (LIKE process_fleet_rollup_1m INCLUDING ALL);

-- Fleet buckets whose per-machine rows changed since their fleet rows were built. Rows are
-- independent (no uniqueness): a row becomes visible only with the transaction that changed the
-- per-machine rows, so a rebuild that claimed it reads those changes.
CREATE TABLE fleet_rollup_outbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level      text        NOT NULL CHECK (level IN ('1m', '1h', '1d')),
  bucket     timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fleet_rollup_outbox_bucket ON fleet_rollup_outbox (level, bucket);

-- Readers see the fleet tables through pa_read like every other table (search_path pa_read,
-- public). They have no machine column: while a node holds buckets it does not own, the query
-- API does not read them at all (it knows the stale ranges of the map it reads with).
CREATE VIEW pa_read.process_fleet_rollup_1m AS SELECT * FROM public.process_fleet_rollup_1m;
CREATE VIEW pa_read.process_fleet_rollup_1h AS SELECT * FROM public.process_fleet_rollup_1h;
CREATE VIEW pa_read.process_fleet_rollup_1d AS SELECT * FROM public.process_fleet_rollup_1d;

-- Existing per-machine rollups, folded once (a node migrated with history answers from its
-- fleet rows at once). Buckets with pending rollup_outbox rows are rebuilt by the summarizer
-- anyway and, until then, read from per-machine rows. SHARE mode: a summarizer of before this
-- migration cannot change per-machine rows between the fold and the commit.
LOCK TABLE process_rollup_1m, process_rollup_1h, process_rollup_1d IN SHARE MODE;
INSERT INTO process_fleet_rollup_1m
SELECT name, bucket, count(*), sum(samples), sum(cpu_sum), min(cpu_min), max(cpu_max), sum(mem_sum), min(mem_min),
       max(mem_max), sum(rss_sum), min(rss_min), max(rss_max)
FROM process_rollup_1m GROUP BY bucket, name;
INSERT INTO process_fleet_rollup_1h
SELECT name, bucket, count(*), sum(samples), sum(cpu_sum), min(cpu_min), max(cpu_max), sum(mem_sum), min(mem_min),
       max(mem_max), sum(rss_sum), min(rss_min), max(rss_max)
FROM process_rollup_1h GROUP BY bucket, name;
INSERT INTO process_fleet_rollup_1d
SELECT name, bucket, count(*), sum(samples), sum(cpu_sum), min(cpu_min), max(cpu_max), sum(mem_sum), min(mem_min),
       max(mem_max), sum(rss_sum), min(rss_min), max(rss_max)
FROM process_rollup_1d GROUP BY bucket, name;

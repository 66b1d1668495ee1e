-- Raw data, one partition a UTC day (created by pa_ensure_day_partition, ahead of time and on demand).
-- snapshots is the dedup ledger: one row per (machine, instant), so a replayed batch or a retried
-- POST inserts nothing the second time.
CREATE TABLE snapshots (
  machine_id  text        NOT NULL,
  ts          timestamptz NOT NULL,
  batch_id    uuid,
  n_processes integer     NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, ts)
) PARTITION BY RANGE (ts);

CREATE TABLE process_samples (
  ts             timestamptz      NOT NULL,
  machine_id     text             NOT NULL,
  pid            bigint           NOT NULL,
  ppid           bigint,
  name           text             NOT NULL,
  username       text,
  cmdline        text,
  cpu_pct        double precision NOT NULL,
  mem_pct        double precision NOT NULL,
  rss_bytes      bigint           NOT NULL,
  vms_bytes      bigint,
  threads        integer,
  state          text,
  io_read_bytes  bigint,
  io_write_bytes bigint,
  start_time     timestamptz
) PARTITION BY RANGE (ts);

-- Per-machine history is the hot read path; BRIN keeps fleet-wide time scans cheap at ~no write cost.
-- No cpu/mem indexes: top-N is answered from rollups (the benchmark shows what they would cost).
CREATE INDEX process_samples_machine_ts ON process_samples (machine_id, ts);
CREATE INDEX process_samples_ts_brin ON process_samples USING brin (ts);

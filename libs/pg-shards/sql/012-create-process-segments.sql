-- The compressed form of a sealed day (docs/lifecycle.md). One row per segment: one process
-- (machine, pid, its constant attributes) during one UTC hour, the per-sample values as arrays in
-- snapshot order. An hour of 10 s samples is 360 values a column: the row is far over the ~2 kB at
-- which TOAST compresses (lz4), and bounded (3,600 values at 1 s sampling). Counters and times are
-- stored as deltas from the previous sample (a steady 10 s step compresses to almost nothing: the
-- time column shrank 10x on simulated data), the floats as they are (bit for bit).

-- Long strings (cmdline) once per node, looked up by their SHA-256.
CREATE TABLE process_strings (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  digest bytea  NOT NULL UNIQUE,
  value  text   COMPRESSION lz4 NOT NULL
);

CREATE TABLE process_segments (
  hour           timestamptz NOT NULL,
  machine_id     text        NOT NULL,
  pid            bigint      NOT NULL,
  ppid           bigint,
  name           text        NOT NULL,
  username       text,
  cmdline_id     bigint,
  start_time     timestamptz,
  -- summary columns: aggregate readers need not open the arrays
  samples        integer     NOT NULL,
  ts_first       timestamptz NOT NULL,
  ts_last        timestamptz NOT NULL,
  cpu_sum        double precision NOT NULL,
  cpu_min        double precision NOT NULL,
  cpu_max        double precision NOT NULL,
  mem_sum        double precision NOT NULL,
  mem_min        double precision NOT NULL,
  mem_max        double precision NOT NULL,
  rss_sum        numeric     NOT NULL,
  rss_min        bigint      NOT NULL,
  rss_max        bigint      NOT NULL,
  -- per-sample values; *_delta: the first is from 0 (ts: from `hour`, microseconds), NULL where the sample had NULL
  ts_delta_us    bigint[]           COMPRESSION lz4 NOT NULL,
  cpu_pct        double precision[] COMPRESSION lz4 NOT NULL,
  mem_pct        double precision[] COMPRESSION lz4 NOT NULL,
  rss_delta      bigint[]           COMPRESSION lz4 NOT NULL,
  vms_delta      bigint[]           COMPRESSION lz4 NOT NULL,
  threads        integer[]          COMPRESSION lz4 NOT NULL,
  state          text[]             COMPRESSION lz4 NOT NULL,
  io_read_delta  bigint[]           COMPRESSION lz4 NOT NULL,
  io_write_delta bigint[]           COMPRESSION lz4 NOT NULL
);

-- One machine's hours (the per-machine read path and the merge's lookup); hour alone for fleet-wide windows.
CREATE INDEX process_segments_machine_hour ON process_segments (machine_id, hour);
CREATE INDEX process_segments_hour_brin ON process_segments USING brin (hour);

-- What the lifecycle service did to each day of this node: one row per (day, step), written in the
-- same transaction as the step's data, so a step killed anywhere left either all of it or nothing.
-- Later steps (retention, archive) add rows with their own step names.
CREATE TABLE lifecycle_steps (
  day         date        NOT NULL,
  step        text        NOT NULL,
  status      text        NOT NULL CHECK (status IN ('done', 'failed')),
  rows_in     bigint      NOT NULL DEFAULT 0,
  segments    bigint      NOT NULL DEFAULT 0,
  runs        integer     NOT NULL DEFAULT 1,
  detail      text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, step)
);

-- Moved by the lifecycle after every change of a day's form (compress, merge), so cached answers
-- are keyed anew (pa_cache_watermark, migration 013).
CREATE SEQUENCE pa_lifecycle_seq;

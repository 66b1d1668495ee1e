-- Bucket moves: one row per move, its step and progress, so that a mover killed at any step
-- resumes (or rolls back) from here on its next run. At most one move is unfinished at a time.
CREATE TABLE bucket_moves (
  move_id        integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_bucket    integer     NOT NULL CHECK (from_bucket BETWEEN 0 AND 4095),
  to_bucket      integer     NOT NULL CHECK (to_bucket BETWEEN from_bucket AND 4095),
  source_node_id integer     NOT NULL REFERENCES shard_nodes,
  target_node_id integer     NOT NULL REFERENCES shard_nodes CHECK (target_node_id <> source_node_id),
  -- the last step whose shard map is published (apps/shards/src/moves/move-steps.ts), and
  -- whether what follows its publication (fences, copy and verify, cleanup) is done too
  step           text        NOT NULL,
  is_step_done   boolean     NOT NULL DEFAULT false,
  is_finished    boolean     NOT NULL DEFAULT false,
  is_aborted     boolean     NOT NULL DEFAULT false,
  snapshots_copied bigint    NOT NULL DEFAULT 0,
  rows_copied    bigint      NOT NULL DEFAULT 0,
  note           text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX bucket_moves_one_unfinished ON bucket_moves (is_finished) WHERE NOT is_finished;

-- The shard map as data: every version kept, exactly one current. A version assigns every bucket
-- (0–4095) to one node; while a range moves, it names the target too (written, not read), and
-- lists the ranges some node holds without owning them (reads there leave them out).
CREATE TABLE shard_map_versions (
  version    integer     PRIMARY KEY CHECK (version >= 1),
  is_current boolean     NOT NULL DEFAULT false,
  reason     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX shard_map_versions_one_current ON shard_map_versions (is_current) WHERE is_current;

CREATE TABLE shard_map_ranges (
  version            integer NOT NULL REFERENCES shard_map_versions,
  from_bucket        integer NOT NULL CHECK (from_bucket BETWEEN 0 AND 4095),
  to_bucket          integer NOT NULL CHECK (to_bucket BETWEEN from_bucket AND 4095),
  node_id            integer NOT NULL REFERENCES shard_nodes,
  also_write_node_id integer REFERENCES shard_nodes CHECK (also_write_node_id <> node_id),
  PRIMARY KEY (version, from_bucket)
);

CREATE TABLE shard_map_stale_ranges (
  version     integer NOT NULL REFERENCES shard_map_versions,
  node_id     integer NOT NULL REFERENCES shard_nodes,
  from_bucket integer NOT NULL CHECK (from_bucket BETWEEN 0 AND 4095),
  to_bucket   integer NOT NULL CHECK (to_bucket BETWEEN from_bucket AND 4095),
  PRIMARY KEY (version, node_id, from_bucket)
);

-- Services LISTEN on pa_shard_map and also poll (a notification is lost while a listener reconnects).
CREATE FUNCTION pa_notify_shard_map() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.is_current THEN
    PERFORM pg_notify('pa_shard_map', NEW.version::text);
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER shard_map_versions_notify AFTER INSERT OR UPDATE OF is_current ON shard_map_versions
  FOR EACH ROW EXECUTE FUNCTION pa_notify_shard_map();

-- Routing in SQL (libs/pg-shards/src/shard-routing.ts, bucketOf): FNV-1a (32 bit) of the UTF-8
-- bytes of a machine id, mod 4096. Equal to the TypeScript function for every id (tested).
CREATE FUNCTION pa_bucket_of(machine_id text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  bytes bytea := convert_to(machine_id, 'UTF8');
  hash  bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    -- hash < 2^32 and the prime < 2^25: the product fits a bigint before the mod 2^32.
    hash := ((hash # get_byte(bytes, i)) * 16777619) & 4294967295;
  END LOOP;
  RETURN hash % 4096;
END
$fn$;

-- The machines this node holds, with their buckets: which machines a bucket move copies, and
-- which rows a read must leave out while this node holds buckets it does not own (an anti-join
-- here instead of hashing every row). The writer adds new machines in its ledger transaction.
CREATE TABLE machines (
  machine_id text     PRIMARY KEY,
  bucket     smallint NOT NULL CHECK (bucket BETWEEN 0 AND 4095)
);
CREATE INDEX machines_bucket ON machines (bucket);
INSERT INTO machines (machine_id, bucket)
SELECT DISTINCT machine_id, pa_bucket_of(machine_id) FROM snapshots ON CONFLICT DO NOTHING;

-- Fencing: the lowest shard map version whose writers may still write here. A bucket move raises
-- it; a writer checks it (FOR SHARE) at the start of each transaction, so the raise waits for the
-- writers' transactions in flight, and every later one of an older map is refused with PA001.
CREATE TABLE shard_fence (
  only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  min_map_version integer NOT NULL DEFAULT 0
);
INSERT INTO shard_fence DEFAULT VALUES;

CREATE FUNCTION pa_check_map_version(writer_version integer) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  fence integer;
BEGIN
  SELECT min_map_version INTO fence FROM shard_fence FOR SHARE;
  IF writer_version < fence THEN
    RAISE EXCEPTION 'shard map version % is fenced off on this node (at least % required)', writer_version, fence
      USING ERRCODE = 'PA001', HINT = 'reload the shard map from the catalog';
  END IF;
END
$fn$;

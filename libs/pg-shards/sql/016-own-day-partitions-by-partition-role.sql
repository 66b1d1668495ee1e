-- New day partitions belong to pa_partitions (grants.sql), like their parents: the lifecycle, a
-- member, may then detach and drop an archived day (docs/lifecycle.md, "Retention"). On a node
-- without that role yet (the first migrate runs this before grants.sql) they stay pa_owner's;
-- grants.sql hands every existing partition over at the end of each migrate.
CREATE OR REPLACE FUNCTION pa_ensure_day_partition(day date) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  suffix   text        := to_char(day, 'YYYYMMDD');
  lower_ts timestamptz := day::timestamp AT TIME ZONE 'UTC';
  upper_ts timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  parent   text;
BEGIN
  -- Two writers seeing a new day at once would race on the catalog; serialize them.
  PERFORM pg_advisory_xact_lock(hashtext('pa_ensure_day_partition'));
  FOREACH parent IN ARRAY ARRAY['snapshots', 'process_samples'] LOOP
    IF to_regclass(format('%I', parent || '_' || suffix)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     parent || '_' || suffix, parent, lower_ts, upper_ts);
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pa_partitions') THEN
        -- A new owner needs CREATE on the schema: granted and revoked in this transaction, so no
        -- member of pa_partitions ever sees it.
        GRANT CREATE ON SCHEMA public TO pa_partitions;
        EXECUTE format('ALTER TABLE %I OWNER TO pa_partitions', parent || '_' || suffix);
        REVOKE CREATE ON SCHEMA public FROM pa_partitions;
      END IF;
    END IF;
  END LOOP;
END
$fn$;

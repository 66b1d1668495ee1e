-- Creates the partitions of both raw tables for one UTC day; safe to call concurrently and repeatedly.
CREATE FUNCTION pa_ensure_day_partition(day date) RETURNS void
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
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   parent || '_' || suffix, parent, lower_ts, upper_ts);
  END LOOP;
END
$fn$;

-- Today and the next days exist before the first write of the day needs them.
SELECT pa_ensure_day_partition((now() AT TIME ZONE 'UTC')::date + d) FROM generate_series(-1, 3) AS d;

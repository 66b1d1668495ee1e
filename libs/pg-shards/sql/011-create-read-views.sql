-- What readers see (the query API reads with search_path pa_read, public). While a node holds
-- rows of buckets it does not own (a bucket move's copy on its target, or its source before
-- cleanup), the reader names those buckets for its statement in pa.stale_buckets
-- ('from-to,from-to', from the shard map version it reads with) and these views leave their
-- machines out; unset (the usual case), they are the tables. A view's column list is fixed when it
-- is created: a migration that adds a column to one of these tables recreates its view.
CREATE SCHEMA pa_read;

CREATE FUNCTION pa_read.stale_machines() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m.machine_id
  FROM unnest(string_to_array(nullif(current_setting('pa.stale_buckets', true), ''), ',')) AS r(bounds)
  JOIN public.machines m ON m.bucket BETWEEN split_part(r.bounds, '-', 1)::int AND split_part(r.bounds, '-', 2)::int
$fn$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['snapshots', 'process_samples', 'machines',
                           'machine_rollup_1m', 'machine_rollup_1h', 'machine_rollup_1d',
                           'process_rollup_1m', 'process_rollup_1h', 'process_rollup_1d'] LOOP
    EXECUTE format('CREATE VIEW pa_read.%I AS SELECT * FROM public.%I WHERE machine_id NOT IN (SELECT pa_read.stale_machines())', t, t);
  END LOOP;
END
$$;

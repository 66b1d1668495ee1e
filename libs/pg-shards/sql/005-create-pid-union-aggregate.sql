-- Union of pid sets for rolling minutes up into hours and days: concatenates, then sorts and
-- removes duplicates once at the end.
CREATE FUNCTION pa_sorted_distinct(pids bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT coalesce(array_agg(DISTINCT p ORDER BY p), '{}') FROM unnest(pids) AS p
$fn$;

CREATE AGGREGATE pa_pid_union(bigint[]) (
  SFUNC = array_cat,
  STYPE = bigint[],
  FINALFUNC = pa_sorted_distinct,
  INITCOND = '{}'
);

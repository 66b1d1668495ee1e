-- Least-privilege roles of the catalog database (issue 11), run after the catalog migrations by
-- every `npm run migrate`; idempotent. The keys CLI and the shards CLI run as the owner.
-- Services read the shard map and its nodes (and LISTEN pa_shard_map, which needs no grant).
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pa_owner', 'pa_writer', 'pa_summarizer', 'pa_query', 'pa_lifecycle', 'pa_gateway'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO pa_writer, pa_summarizer, pa_query, pa_lifecycle, pa_gateway', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pa_writer, pa_summarizer, pa_query, pa_lifecycle, pa_gateway;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM pa_writer, pa_summarizer, pa_query, pa_lifecycle, pa_gateway;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM pa_writer, pa_summarizer, pa_query, pa_lifecycle, pa_gateway;

GRANT SELECT ON shard_nodes, shard_map_versions, shard_map_ranges, shard_map_stale_ranges, bucket_moves
  TO pa_writer, pa_summarizer, pa_query, pa_lifecycle, pa_gateway;

-- API keys (libs/catalog/sql 004-005, when present): every HTTP service checks keys (the writer,
-- summarizer and lifecycle for /metrics), stamps last_used_at and appends to the audit log.
DO $$
BEGIN
  IF to_regclass('api_keys') IS NOT NULL THEN
    GRANT SELECT, UPDATE (last_used_at) ON api_keys TO pa_gateway, pa_query, pa_writer, pa_summarizer, pa_lifecycle;
  END IF;
  IF to_regclass('audit_log') IS NOT NULL THEN
    GRANT INSERT ON audit_log TO pa_gateway, pa_query, pa_writer, pa_summarizer, pa_lifecycle;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pa_gateway, pa_query, pa_writer, pa_summarizer, pa_lifecycle;
  END IF;
END
$$;

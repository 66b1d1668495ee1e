-- Hands the current database and our objects in it (schemas public and pa_read) to :owner
-- (infra/lib/pg-security.sh). Idempotent: objects it owns already are skipped. REASSIGN OWNED BY
-- postgres cannot do this (it refuses objects of the bootstrap superuser the system needs).
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', nspname, :'owner') FROM pg_namespace
WHERE nspname = 'pa_read' AND nspowner <> :'owner'::regrole \gexec
-- Tables, views, partitions; a sequence owned by a column follows its table.
SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
              c.oid::regclass, :'owner')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'pa_read') AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relowner <> :'owner'::regrole
  -- the raw tables and their day partitions belong to pa_partitions (grants.sql, migration 016), so
  -- that the lifecycle may detach and drop them: handing them back to the owner at every start of a
  -- node broke retention after any restart ("must be owner of table process_samples")
  AND pg_get_userbyid(c.relowner) <> 'pa_partitions'
  -- a sequence owned by a column (or an identity) follows its table; partitions (also 'a') do not
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \gexec
SELECT format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
              p.oid::regprocedure, :'owner')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'pa_read') AND p.proowner <> :'owner'::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \gexec

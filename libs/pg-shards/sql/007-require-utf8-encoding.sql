-- The writer stores process rows with COPY ... (FORMAT binary), whose text fields go in as UTF-8
-- bytes without the client-to-server conversion text COPY does: a shard database in any other
-- encoding would store them wrongly, so it is refused here, before any data arrives.
DO $$
DECLARE
  encoding text := pg_encoding_to_char((SELECT d.encoding FROM pg_database d WHERE d.datname = current_database()));
BEGIN
  IF encoding <> 'UTF8' THEN
    RAISE EXCEPTION 'database % is in encoding %; shard databases must be UTF8 (createdb -E UTF8 -T template0)',
      current_database(), encoding;
  END IF;
END
$$;

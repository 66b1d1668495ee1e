-- The catalog (DESIGN.md, "Catalog"): what every replica of every service must agree on.
-- Shard nodes: a stable id (the shard number everywhere: pools, metrics, the map) and where the
-- node is, as host:port/database without credentials (each service connects with its own).
CREATE TABLE shard_nodes (
  node_id  integer     PRIMARY KEY CHECK (node_id >= 0),
  address  text        NOT NULL UNIQUE,
  added_at timestamptz NOT NULL DEFAULT now()
);

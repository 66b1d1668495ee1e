#!/usr/bin/env bash
# npm start: the whole stack with a demo fleet. Idempotent: a second run starts only what is
# not running (a crashed writer, a stopped shard node) and says what it did.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/install-deps.sh
hash -r
. infra/lib/common.sh
. infra/lib/apps.sh
. infra/lib/keys.sh
. infra/lib/tls.sh
. infra/lib/pg-security.sh

SHARDS=${SHARDS:-2}
PG_BASE_PORT=${PG_BASE_PORT:-5433}
KAFKA_PORT=${KAFKA_PORT:-9092}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
WRITER_PORT=${WRITER_PORT:-8082}
SUMMARIZER_PORT=${SUMMARIZER_PORT:-8083}
QUERY_PORT=${QUERY_PORT:-8081}
LIFECYCLE_PORT=${LIFECYCLE_PORT:-8084}
GATEWAY_URL=${GATEWAY_URL:-https://127.0.0.1:$GATEWAY_PORT}
export SHARDS PG_BASE_PORT KAFKA_PORT GATEWAY_PORT WRITER_PORT SUMMARIZER_PORT QUERY_PORT LIFECYCLE_PORT GATEWAY_URL
# Only a stack of our own grows by itself (SHARDS=3 on two nodes); external nodes are the operator's.
is_own_stack=$([[ -z ${PG_SHARDS:-} ]] && echo 1 || echo 0)
if [[ -z ${PG_SHARDS:-} ]]; then
  PG_SHARDS=$(pg_shard_urls "$PG_BASE_PORT" "$SHARDS")
  # Over TLS as pa_owner for migrate and the shards CLI; each service with its own role (apps.sh).
  pg_export_owner_env
fi
export PG_SHARDS KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}
export KAFKAJS_NO_PARTITIONER_WARNING=1 LOG_JSON=${LOG_JSON:-true}
# kafkajs 2.2.4 on Node 24 sets a negative timer (tulios/kafkajs#1751): harmless, silenced.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"
# Traces go to the local Zipkin unless an OTLP collector is named (or tracing is off).
ZIPKIN_PORT=${ZIPKIN_PORT:-9411}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
export ZIPKIN_PORT PROMETHEUS_PORT
if [[ -z ${OTEL_EXPORTER_OTLP_ENDPOINT:-} ]]; then
  export OTEL_EXPORTER_ZIPKIN_ENDPOINT=${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans}
fi
# One trace in ten, decided at the root and followed by every hop (parentbased: a collector's own
# sampled traceparent is kept). At 100% the demo made ~48 spans/s, which filled Zipkin's 256 MiB
# heap in ~35 min; at 10% the store (ZIPKIN_MEM_MAX_SPANS) holds about two hours of traces, one new
# trace every two seconds, and the gateway keeps 0.95x of its throughput (bench item 7).
export OTEL_TRACES_SAMPLER=${OTEL_TRACES_SAMPLER:-parentbased_traceidratio}
export OTEL_TRACES_SAMPLER_ARG=${OTEL_TRACES_SAMPLER_ARG:-0.1}

say "dashboard: https://127.0.0.1:$QUERY_PORT/ (once the stack is up; the address is repeated at the end)"
say "build: compiling TypeScript and the dashboard…"
npm run -s build
bash infra/start-infra.sh
# The gateway and the query API serve HTTPS with the local CA's certificate (infra/lib/tls.sh made
# it): Node clients (the collectors) trust that CA; curl needs --cacert (printed below).
# Node reads one extra CA file: a NODE_EXTRA_CA_CERTS the caller set already (some machines point it
# at the system bundle) is kept, with our CA appended, in a bundle of our own.
local_ca=$PA_STATE_DIR/tls/ca.crt
if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -f $NODE_EXTRA_CA_CERTS && $NODE_EXTRA_CA_CERTS != "$local_ca" && $NODE_EXTRA_CA_CERTS != "$PA_STATE_DIR/tls/node-trust.pem" ]]; then
  cat "$NODE_EXTRA_CA_CERTS" "$local_ca" >"$PA_STATE_DIR/tls/node-trust.pem"
  export NODE_EXTRA_CA_CERTS=$PA_STATE_DIR/tls/node-trust.pem
elif [[ ${NODE_EXTRA_CA_CERTS:-} != "$PA_STATE_DIR/tls/node-trust.pem" ]]; then
  export NODE_EXTRA_CA_CERTS=$local_ca
fi
# SHARDS=3 npm start on a stack of two: the third node goes through the operator's path, `shards
# add`, then `shards rebalance` once everything runs (README, "Nodes, the shard map and moves").
known_nodes=0
if [[ $is_own_stack == 1 ]]; then
  # A stack without a catalog yet (first start) answers nothing here: 0 nodes known.
  known_nodes=$({ node dist/apps/shards/src/main.js status --json 2>/dev/null || true; } | node -e \
    'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { try { console.log(JSON.parse(s).nodes.length); } catch { console.log(0); } });')
fi
if ((known_nodes > 0 && known_nodes < SHARDS)); then
  IFS=, read -r -a all_urls <<<"$PG_SHARDS"
  PG_SHARDS=$(IFS=,; echo "${all_urls[*]:0:known_nodes}") node dist/libs/catalog/src/migrate.cli.js
  for url in "${all_urls[@]:known_nodes}"; do node dist/apps/shards/src/main.js add "$url"; done
else
  node dist/libs/catalog/src/migrate.cli.js
fi
# Every HTTP route but /healthz and /readyz needs a key: the secret and one key per role (var/keys/).
ensure_api_keys
read_key="$PA_KEYS_DIR/read.key"
export COLLECTOR_API_KEY_FILE=${COLLECTOR_API_KEY_FILE:-$PA_KEYS_DIR/ingest.key}
export PROMETHEUS_KEY_FILE=${PROMETHEUS_KEY_FILE:-$PA_KEYS_DIR/metrics.key}

node_bin=$(command -v node)
start_app ingest-gateway "https://127.0.0.1:$GATEWAY_PORT/readyz" -- "$node_bin" dist/apps/ingest-gateway/src/main.js
start_app writer "http://127.0.0.1:$WRITER_PORT/readyz" -- "$node_bin" dist/apps/writer/src/main.js
start_app summarizer "http://127.0.0.1:$SUMMARIZER_PORT/readyz" -- "$node_bin" dist/apps/summarizer/src/main.js
# The query API caches fleet-wide answers in the stack's own Redis (TLS, ACL user query-api;
# infra/start-redis.sh), unless REDIS_URL names another. The machine's Redis on 6379 is not used.
if [[ -z ${REDIS_URL:-} ]]; then
  REDIS_PORT=${REDIS_PORT:-6380} bash infra/start-redis.sh
  export REDIS_URL=rediss://query-api@127.0.0.1:${REDIS_PORT:-6380}
  export REDIS_PASSWORD_FILE=${REDIS_PASSWORD_FILE:-$PA_STATE_DIR/secrets/redis-query-api.password}
fi
start_app query-api "https://127.0.0.1:$QUERY_PORT/readyz" -- "$node_bin" dist/apps/query-api/src/main.js
# The demo's lifecycle policy: days older than 1 day sealed, looked at every 30 s (defaults 2d, 60 s),
# and raw days archived once they ended 2 days ago (DEMO_RETENTION_DAYS; default RETENTION_DAYS, 30):
# the demo history's oldest day (3 days back) is archived within minutes. The gateway and the writer
# keep RETENTION_DAYS, which must be longer here so that the history can be written at all; outside
# the demo the three use the one RETENTION_DAYS. The archive: var/archive, its key var/secrets/archive.key.
# The policy is also written to var/lifecycle-policy.env, which `npm run lifecycle` (operator-tool.sh)
# reads against the local stack, so that `status` and `run` judge "sealed" and "past retention" as
# the running service does.
lifecycle_retention_days=${DEMO_RETENTION_DAYS:-2}
lifecycle_lateness=${LIFECYCLE_LATENESS:-1d}
printf 'RETENTION_DAYS=%s\nLIFECYCLE_LATENESS=%s\n' "$lifecycle_retention_days" "$lifecycle_lateness" >"$PA_STATE_DIR/lifecycle-policy.env"
RETENTION_DAYS=$lifecycle_retention_days LIFECYCLE_LATENESS=$lifecycle_lateness LIFECYCLE_INTERVAL_MS=${LIFECYCLE_INTERVAL_MS:-30000} \
  start_app lifecycle "http://127.0.0.1:$LIFECYCLE_PORT/readyz" -- "$node_bin" dist/apps/lifecycle/src/main.js
bash infra/start-prometheus.sh
start_app collector - -- "$node_bin" dist/apps/collector/src/main.js --interval 5s
start_app fleet - -- "$node_bin" dist/apps/collector/src/main.js simulate \
  --machines "${DEMO_MACHINES:-50}" --processes "${DEMO_PROCESSES:-100}" --interval "${DEMO_INTERVAL:-10s}"
# Once per state dir: a few past days of a small sparse fleet (its own machine ids), so that
# `npm run lifecycle -- status` shows archived and compressed days next to heap ones within minutes.
if [[ ! -e $PA_STATE_DIR/demo-history.started ]]; then
  touch "$PA_STATE_DIR/demo-history.started"
  history_start=$(date -u -d "-${DEMO_HISTORY_DAYS:-3} days" +%Y-%m-%dT00:00:00Z)
  # A pid file of its own, so that `npm stop` stops it too (it runs with this script's CA trust).
  start_background "$PA_RUN_DIR/demo-history.pid" "$PA_LOG_DIR/demo-history.log" \
    "$node_bin" dist/apps/collector/src/main.js simulate --machines "${DEMO_HISTORY_MACHINES:-6}" --processes 30 \
    --interval "${DEMO_HISTORY_INTERVAL:-1m}" --prefix hist- --seed history --start "$history_start" >/dev/null
  say "demo history: back-filling from $history_start (log: $PA_LOG_DIR/demo-history.log)"
fi

# The real collector's machine_id: the host name, sanitized as apps/collector/src/procfs/machine-id.ts does.
host_id=${COLLECTOR_MACHINE_ID:-$(hostname | tr -c 'A-Za-z0-9._:\n-' '-' | cut -c1-128)}
host_id=${host_id:-unknown-host}
cache_state=$([[ -n ${REDIS_URL:-} ]] && echo "Redis" || echo "off, no REDIS_URL")

auth="-H \"authorization: Bearer \$(cat $read_key)\""
cat <<TXT

Dashboard: https://127.0.0.1:$QUERY_PORT/   (it asks for a read key: paste the one in $read_key)
API keys:  $PA_KEYS_DIR/   (admin.key, ingest.key, read.key, metrics.key; owner-only files; npm run keys -- list)
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/top?metric=cpu_pct&by=process&limit=5"

Process Analyzer is up ($(node -v)).
  dashboard        https://127.0.0.1:$QUERY_PORT/   (Fleet, Machine and Process views; leak suspects, missing processes)
  ingest gateway   https://127.0.0.1:$GATEWAY_PORT   POST /v1/snapshots, GET /readyz
  writer           http://127.0.0.1:$WRITER_PORT/healthz   (counters, shards down)
  summarizer       http://127.0.0.1:$SUMMARIZER_PORT/healthz   (outbox rows done, lag per shard)
  lifecycle        http://127.0.0.1:$LIFECYCLE_PORT/healthz   (sealed days compressed, days past the retention archived; npm run lifecycle -- status)
  query API        https://127.0.0.1:$QUERY_PORT/docs   (OpenAPI; cache: $cache_state)
  Kafka            $KAFKA_BROKERS   topic proc.snapshots.v1 (DLQ proc.dlq.snapshots.v1; tenant topics: npm run kafka-tenant)
  shard nodes      ${PG_SHARDS//,/ }
  traces (Zipkin)  http://127.0.0.1:$ZIPKIN_PORT/zipkin/   (sampler $OTEL_TRACES_SAMPLER$([[ $OTEL_TRACES_SAMPLER == *ratio* ]] && echo " $OTEL_TRACES_SAMPLER_ARG"); the last $(cat "$PA_STATE_DIR/zipkin/max-spans" 2>/dev/null || echo '?') spans kept)
  metrics          http://127.0.0.1:$PROMETHEUS_PORT/   (Prometheus, when installed; alerts at /alerts), or each service's /metrics
  status           npm run status   (every service: ready / up / unready / down)
  logs             $PA_LOG_DIR/   (JSON lines with trace_id and span_id)
Look at the data:
  PGPASSWORD=\$(cat $PG_SECRETS_DIR/pg-pa_owner.password) psql "postgres://pa_owner@127.0.0.1:$PG_BASE_PORT/pa?sslmode=verify-full&sslrootcert=$PA_TLS_DIR/ca.crt" -c "SELECT machine_id, count(*) FROM snapshots GROUP BY 1 ORDER BY 1 LIMIT 10"
  psql -h $PA_STATE_DIR/pg/sockets -p $PG_BASE_PORT -U postgres pa -c "SELECT machine_id, bucket, snapshots, round((cpu_sum / snapshots)::numeric, 1) AS avg_total_cpu FROM machine_rollup_1m ORDER BY bucket DESC LIMIT 10"   # admin path, as root or postgres
  curl -s http://127.0.0.1:$WRITER_PORT/healthz
Ask the query API (windows are [from, to), default the last hour; add from=/to= in RFC 3339; every call needs a key):
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/machines?prefix=sim-&limit=5"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/machines/sim-0001/snapshot?sort=cpu_pct"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/machines/$host_id/series?metric=cpu_pct&step=1m"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/top?metric=cpu_pct&by=process&limit=5"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/top?metric=rss_bytes&by=machine&order=max&from=\$(date -u -d '-24 hours' +%FT%TZ)"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/processes/systemd/series?metric=mem_pct&step=5m"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/summary/daily?date=$(date -u +%F)&machine_id=sim-0002"
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/insights/leaks?prefix=sim-"        # leaky-cache on sim-0003/0008/0013 (after ~10 min)
  curl -s --cacert $PA_STATE_DIR/tls/ca.crt $auth "https://127.0.0.1:$QUERY_PORT/v1/insights/missing?prefix=sim-"      # report-agent on sim-0004 (30 min after start, +10)
Stop everything: npm stop

TXT
if ((known_nodes > 0 && known_nodes < SHARDS)); then
  say "shards: $((SHARDS - known_nodes)) node(s) added; moving buckets to them while the fleet writes (progress below)…"
  node dist/apps/shards/src/main.js rebalance
fi
# Last: what runs now, one line per service, and a verdict line (exit 1 when anything is not up).
bash infra/status.sh

#!/usr/bin/env bash
# npm run bench [-- --quick] [-- flags]: installs what is missing, builds, prints the plan and its
# estimated time, starts a private bench stack (own state dir and ports: Kafka, PostgreSQL shard
# nodes, Redis; no Zipkin), runs bench/ against it and stops the stack afterwards, pass or fail.
# The table goes to stdout, progress to stderr, the record to bench/results/<date>.json.
# The soak (the `npm start` stack with the demo fleet for an hour, memory per service over time,
# exit 1 if a service died) is a script of its own, not a bench item: `npm run soak` (bench/soak.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/install-deps.sh
hash -r

export PA_STATE_DIR=${PA_BENCH_STATE_DIR:-$PWD/var/bench}
export KAFKA_PORT=${BENCH_KAFKA_PORT:-19092} KAFKA_CONTROLLER_PORT=${BENCH_KAFKA_CONTROLLER_PORT:-19093}
export PG_BASE_PORT=${BENCH_PG_BASE_PORT:-15433} SHARDS=${BENCH_SHARDS:-2} ZIPKIN=0
# Item 4 also measures the gateway with TLS and SASL off: a second, plaintext client listener on
# the bench broker only (infra/lib/kafka-security.sh), next to the SASL_SSL one everything else uses.
export KAFKA_PLAINTEXT_PORT=${BENCH_KAFKA_PLAINTEXT_PORT:-19094}
REDIS_PORT=${BENCH_REDIS_PORT:-16379}
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT KAFKA_PLAINTEXT_BROKERS=127.0.0.1:$KAFKA_PLAINTEXT_PORT REDIS_URL=rediss://query-api@127.0.0.1:$REDIS_PORT
export REDIS_PASSWORD_FILE=$PA_STATE_DIR/secrets/redis-query-api.password
urls=()
for ((i = 0; i < SHARDS; i++)); do urls+=("postgres://127.0.0.1:$((PG_BASE_PORT + i))/pa"); done
PG_SHARDS=$(IFS=,; echo "${urls[*]}")
# Over TLS as pa_owner (infra/lib/pg-security.sh makes the role and its password file).
# PG_ALLOW_PLAINTEXT: item 1 also runs the writer without TLS, to measure what encryption costs.
export PG_ALLOW_PLAINTEXT=1
export PG_SHARDS PG_USER=pa_owner PG_PASSWORD_FILE=$PA_STATE_DIR/secrets/pg-pa_owner.password PG_SSLROOTCERT=$PA_STATE_DIR/tls/ca.crt
export KAFKAJS_NO_PARTITIONER_WARNING=1
# A loaded 2-core machine can take minutes to boot the broker (as in infra/test.sh).
export KAFKA_START_TIMEOUT_S=${KAFKA_START_TIMEOUT_S:-300}
# kafkajs 2.2.4 on Node 24 sets a negative timer (tulios/kafkajs#1751): harmless, silenced.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"
# The apps run as deployed, minus trace export (no Zipkin in the bench stack).
unset OTEL_EXPORTER_ZIPKIN_ENDPOINT OTEL_EXPORTER_OTLP_ENDPOINT
# Item 8 loads the dashboard in Debian's headless Chromium (installed here when missing).
if CHROMIUM_PATH=$(bash infra/install-browser.sh); then export CHROMIUM_PATH; else echo "bench: no Chromium; item 8 will fail" >&2; fi

# A private compiled tree: someone else's build or clean of dist/ during a run cannot take the
# apps away mid-measurement (the bench starts the apps from the tree it runs from).
build_dir=$PA_STATE_DIR/dist
echo "bench: build into $build_dir" >&2
npx tsc -p tsconfig.build.json --outDir "$build_dir" --tsBuildInfoFile "$build_dir/.tsbuildinfo"
npx tsc-alias -p tsconfig.build.json --outDir "$build_dir"
# The dashboard beside the apps, where the query API serves it from (item 8).
DASHBOARD_OUT_DIR="$build_dir/apps/dashboard" npx vite build -c apps/dashboard/vite.config.mts
# Bad flags fail here, before anything is started; --help stops here too.
node "$build_dir/bench/src/main.js" --plan "$@"
for arg in "$@"; do
  if [[ $arg == --help ]]; then
    echo "Soak (not a bench item): npm run soak -- --minutes 60 --every 5   (bench/soak.sh --help)"
    exit 0
  fi
done

. infra/lib/common.sh
# Every measurement makes its own databases and topics and the bench deletes its topics, so the
# nodes are kept between runs: a restart costs seconds where initdb and a Kafka format cost a minute.
bash infra/stop-all.sh >/dev/null 2>&1 || true
rm -rf "$PA_STATE_DIR"/{data,redis}
trap 'echo "bench: stopping the bench stack" >&2; bash infra/stop-all.sh >/dev/null 2>&1 || true' EXIT
echo "bench: starting the bench stack in $PA_STATE_DIR" >&2
bash infra/start-infra.sh >&2
# Redis for the query cache, as npm start runs it (TLS, ACL users); stop-all.sh stops it through its pid file.
REDIS_PORT=$REDIS_PORT bash infra/start-redis.sh >&2
# The gateway and the query API serve HTTPS with the stack's local CA (made by start-infra.sh).
export NODE_EXTRA_CA_CERTS=$PA_STATE_DIR/tls/ca.crt
KAFKA_LIB_DIR=$(bash infra/install-kafka.sh --print-lib-dir)
export KAFKA_LIB_DIR
# Auth is on in the bench as deployed: the apps' server secret; the bench registers its own key in
# each measurement's catalog (bench/src/support/bench-key.ts).
export PA_API_KEY_SECRET_FILE=$PA_STATE_DIR/secrets/api-key-hmac
if [[ ! -s $PA_API_KEY_SECRET_FILE ]]; then
  mkdir -p "$(dirname "$PA_API_KEY_SECRET_FILE")"
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$PA_API_KEY_SECRET_FILE")
fi
node "$build_dir/bench/src/main.js" "$@"

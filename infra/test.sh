#!/usr/bin/env bash
# npm test: installs what is missing (npm packages, the headless Chromium), builds (TypeScript and
# the dashboard), type-checks, lints, runs the unit tests, then the end-to-end and browser tests against a private stack (own state dir and ports, so a running `npm start`
# stack is left alone) that is started fresh and stopped afterwards, pass or fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/install-deps.sh
# The dashboard's browser tests drive Debian's headless Chromium (installed here when missing).
CHROMIUM_PATH=$(bash infra/install-browser.sh)
export CHROMIUM_PATH
hash -r

export PA_STATE_DIR=${PA_TEST_STATE_DIR:-$PWD/var/test}
export KAFKA_PORT=${TEST_KAFKA_PORT:-29092} KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-29093}
export PG_BASE_PORT=${TEST_PG_BASE_PORT:-25433} SHARDS=2
export ZIPKIN_PORT=${TEST_ZIPKIN_PORT:-29411} ZIPKIN_URL=http://127.0.0.1:${TEST_ZIPKIN_PORT:-29411}
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export PG_SHARDS=postgres://127.0.0.1:$PG_BASE_PORT/pa,postgres://127.0.0.1:$((PG_BASE_PORT + 1))/pa
# Tests connect over TLS as pa_owner; the services they start use their own roles (libs/testing).
export PG_USER=pa_owner PG_PASSWORD_FILE=$PA_STATE_DIR/secrets/pg-pa_owner.password PG_SSLROOTCERT=$PA_STATE_DIR/tls/ca.crt
export KAFKAJS_NO_PARTITIONER_WARNING=1
# A loaded 2-core machine can take minutes to boot two JVMs side by side; waiting longer beats a red run.
export KAFKA_START_TIMEOUT_S=${KAFKA_START_TIMEOUT_S:-300} ZIPKIN_START_TIMEOUT_S=${ZIPKIN_START_TIMEOUT_S:-300}
# kafkajs 2.2.4 on Node 24 sets a negative timer (tulios/kafkajs#1751): harmless, silenced.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"

echo "test: build, type-check, lint"
npm run -s build
npm run -s typecheck
npm run -s lint
echo "test: unit tests"
# test:unit runs jest with --experimental-vm-modules: the archive's Parquet packages (hyparquet,
# hyparquet-writer) are ES modules, which jest's CommonJS runtime can import() only so.
npm run -s test:unit -- --silent

# A fresh test stack each run: no state leaks from one run into the next (the fetched jars stay).
bash infra/stop-all.sh >/dev/null 2>&1 || true
rm -rf "$PA_STATE_DIR"/{kafka/data,kafka/cluster-id,kafka/data-version,pg,run,log}
trap 'echo "test: stopping the test stack"; bash infra/stop-all.sh >/dev/null 2>&1 || true' EXIT
echo "test: starting the test stack in $PA_STATE_DIR"
bash infra/start-infra.sh
# The gateway and the query API serve HTTPS with the stack's local CA (infra/lib/tls.sh made it
# just now): jest and every service it starts trust it.
export NODE_EXTRA_CA_CERTS=$PA_STATE_DIR/tls/ca.crt
echo "test: end-to-end tests (real Kafka, real PostgreSQL shards)"
npx jest -c "${E2E_JEST_CONFIG:-test/e2e/jest.e2e.config.js}" --runInBand "$@"

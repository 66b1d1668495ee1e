#!/usr/bin/env bash
# npm run soak [-- --minutes 60 --every 5 --keep]: runs the `npm start` stack (demo fleet included)
# for --minutes (default 60) and prints every service's memory every --every minutes (default 5;
# fractions allowed, e.g. 0.5), then a summary: first, last and largest figure per service and
# whether each one is still up at the end. Exits 1 when a service was down at any sample (it died
# during the soak) or is down at the end, 0 otherwise. It ends by itself after --minutes.
#
# Memory: RSS of the service's process (MiB); for a PostgreSQL node the PSS of the postmaster and
# all its backends (shared buffers counted once). For Zipkin also its live heap after a full GC
# (`jcmd GC.run` + `GC.heap_info`, the figure the span store's bound is about) and the spans it
# received. The writer's consumer lag (records behind, summed over the partitions it knows; "-"
# before it knows any) shows whether the pipeline kept up.
#
# The stack: when nothing of it ran before, the soak starts it and stops it at the end (--keep
# leaves it running); a stack that was already running is measured as it is and left running.
# Samples go to $PA_STATE_DIR/soak/<start time>.tsv as well. Not part of `npm test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. infra/lib/common.sh

minutes=60 every=5 keep=0
while (($#)); do
  case $1 in
    --minutes) minutes=$2 && shift 2 ;;
    --every) every=$2 && shift 2 ;;
    --keep) keep=1 && shift ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) die "soak: unknown argument $1 (--minutes N, --every N, --keep)" ;;
  esac
done
[[ $minutes =~ ^[0-9]+([.][0-9]+)?$ && $every =~ ^[0-9]+([.][0-9]+)?$ ]] || die "soak: --minutes and --every take numbers"
duration_s=$(awk -v m="$minutes" 'BEGIN{printf "%d", m * 60}')
every_s=$(awk -v m="$every" 'BEGIN{printf "%d", m * 60}')
((duration_s >= 60 && every_s >= 10)) || die "soak: --minutes must be at least 1 and --every at least 10 s"

WRITER_PORT=${WRITER_PORT:-8082}
ZIPKIN_PORT=${ZIPKIN_PORT:-9411}
out_dir="$PA_STATE_DIR/soak"
mkdir -p "$out_dir"
samples="$out_dir/$(date -u +%Y-%m-%dT%H%M%SZ).tsv"

# Short column names, in infra/status.sh's order.
declare -A SHORT=([ingest-gateway]=gateway [summarizer]=summ [query-api]=query [prometheus]=prom [collector]=coll)
short() { local n=${1#pg-shard-}; [[ $n != "$1" ]] && n="pg$n"; echo "${SHORT[$1]:-$n}"; }

kib_to_mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k / 1024}'; }
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_tree_kib() {
  local total=0 p kib
  for p in "$1" $(ps --ppid "$1" -o pid= 2>/dev/null); do
    kib=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}
zipkin_live_mib() {
  local pid=$1 kib
  command -v jcmd >/dev/null || { echo "?"; return; }
  jcmd "$pid" GC.run >/dev/null 2>&1 || { echo "?"; return; }
  kib=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/garbage-first heap/{for (i = 1; i <= NF; i++) if ($i == "used") {sub(/K$/, "", $(i+1)); print $(i+1)}}')
  [[ -n $kib ]] && kib_to_mib "$kib" || echo "?"
}
zipkin_spans() {
  curl -fs --max-time 3 "http://$PA_HOST:$ZIPKIN_PORT/prometheus" 2>/dev/null |
    awk '/^zipkin_collector_spans_total\{transport="http"/{printf "%d", $2}' || true
}
writer_lag() {
  # /metrics needs the metrics key that npm start wrote (README, "API keys").
  curl -fs --max-time 3 -H "authorization: Bearer $(cat "${PA_KEYS_DIR:-$PA_STATE_DIR/keys}/metrics.key" 2>/dev/null)" "http://$PA_HOST:$WRITER_PORT/metrics" 2>/dev/null |
    awk '/^pa_writer_consumer_lag\{/ && $2 >= 0 {s += $2; n++} END{if (n) printf "%d", s}' || true
}

# --- start (or find) the stack ---------------------------------------------------------------
started_here=0
if ! bash infra/status.sh --tsv | awk -F'\t' '$2 != "down"{found=1} END{exit !found}'; then
  started_here=1
fi
finish() {
  if ((started_here && !keep)); then
    say "soak: stopping the stack it started (npm stop)"
    bash infra/stop-all.sh >/dev/null 2>&1 || warn "soak: npm stop reported a problem; run npm run status"
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

say "soak: $minutes min, a sample every $every min; starting the stack (npm start)…"
if ! bash infra/start.sh >"$out_dir/start.log" 2>&1; then
  tail -n 25 "$out_dir/start.log" >&2
  die "soak: npm start failed (full output in $out_dir/start.log)"
fi
grep -E '^status:' "$out_dir/start.log" || true

# --- sample ---------------------------------------------------------------------------------
mapfile -t names < <(bash infra/status.sh --tsv | cut -f1)
declare -A first=() last=() max=() died=() final_state=()
header=$(printf '%-8s' elapsed; for n in "${names[@]}"; do printf ' %7s' "$(short "$n")"; done; printf ' %8s %8s %7s' zk-live zk-spans lag)
say ""
say "soak: MiB per service (pg: PSS of the node's processes; zk-live: Zipkin heap after a full GC, MiB; lag: writer records behind)"
say "$header"
printf 'elapsed_s\t%s\tzipkin_live_mib\tzipkin_spans\twriter_lag\n' "$(IFS=$'\t'; echo "${names[*]}")" >"$samples"

t0=$SECONDS
sample() {
  local elapsed=$((SECONDS - t0)) line tsv name state pid mib zk_pid= zk_live=- spans lag
  line=$(printf '%-8s' "$((elapsed / 60))m$(printf '%02d' $((elapsed % 60)))s")
  tsv="$elapsed"
  declare -A st=() pids=()
  while IFS=$'\t' read -r name state pid _; do
    st[$name]=$state pids[$name]=$pid
  done < <(bash infra/status.sh --tsv)
  for name in "${names[@]}"; do
    state=${st[$name]:-down} pid=${pids[$name]:--}
    final_state[$name]=$state
    if [[ $state == down || $pid == - ]]; then
      mib=DOWN
      died[$name]=1
    else
      if [[ $name == pg-shard-* ]]; then mib=$(kib_to_mib "$(pss_tree_kib "$pid")"); else mib=$(kib_to_mib "$(rss_kib "$pid")"); fi
      [[ $name == zipkin ]] && zk_pid=$pid
      [[ -n ${first[$name]:-} ]] || first[$name]=$mib
      last[$name]=$mib
      ((mib > ${max[$name]:-0})) && max[$name]=$mib
      [[ $state == unready ]] && mib="$mib!"
    fi
    line+=$(printf ' %7s' "$mib")
    tsv+=$'\t'"$mib"
  done
  [[ -n $zk_pid ]] && zk_live=$(zipkin_live_mib "$zk_pid")
  spans=$(zipkin_spans) lag=$(writer_lag)
  line+=$(printf ' %8s %8s %7s' "$zk_live" "${spans:--}" "${lag:--}")
  say "$line"
  printf '%s\t%s\t%s\t%s\n' "$tsv" "$zk_live" "${spans:--}" "${lag:--}" >>"$samples"
}

sample
while ((SECONDS - t0 < duration_s)); do
  next=$(((SECONDS - t0) / every_s * every_s + every_s))
  ((next > duration_s)) && next=$duration_s
  while ((SECONDS - t0 < next)); do sleep 1; done
  sample
done

# --- verdict ---------------------------------------------------------------------------------
say ""
say "soak: summary after $minutes min (MiB: first, last, largest; '!' in the table = alive but not ready)"
printf '%-15s %7s %7s %7s  %s\n' SERVICE FIRST LAST MAX "AT THE END"
bad=()
for name in "${names[@]}"; do
  end=${final_state[$name]:-down}
  verdict=$end
  if [[ -n ${died[$name]:-} ]]; then
    verdict="$end (DOWN at one or more samples)"
    bad+=("$name")
  elif [[ $end == unready ]]; then
    bad+=("$name")
  fi
  printf '%-15s %7s %7s %7s  %s\n' "$name" "${first[$name]:--}" "${last[$name]:--}" "${max[$name]:--}" "$verdict"
done
say "soak: samples in $samples"
if ((${#bad[@]})); then
  say "soak: FAILED: not up throughout: ${bad[*]} (logs in $PA_LOG_DIR/)"
  exit 1
fi
say "soak: every service stayed up for $minutes min"

#!/usr/bin/env bash
# Usage: infra/wait-for-port.sh HOST PORT TIMEOUT_S [NAME]
# Waits until HOST:PORT accepts TCP connections (bash /dev/tcp, no nc needed).
# Quiet on success; exit 1 with a message after TIMEOUT_S seconds.
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 HOST PORT TIMEOUT_S [NAME]" >&2
  exit 2
fi
host=$1 port=$2 timeout=$3 name=${4:-$1:$2}

deadline=$((SECONDS + timeout))
until timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; do
  if ((SECONDS >= deadline)); then
    echo "ERROR: $name: nothing accepts connections on $host:$port after ${timeout}s" >&2
    exit 1
  fi
  sleep 0.5
done

#!/usr/bin/env bash
# The demo behind `make demo`: the stand-in of Athina's log API, the collector
# built by OCB, and a demo app that sends four LLM spans and one HTTP span.
# It prints the records the stand-in received, then stops everything it
# started. Loopback only; needs nothing but Go (and bash).
#
# Ports: stand-in 18080, collector OTLP 4317/4318, health check 13133.
# Logs: build/demo/*.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
out=$root/build/demo
mkdir -p "$out"

export ATHINA_API_KEY=${ATHINA_API_KEY:-demo-key-0123456789}
expected_records=4 # the demo app's LLM spans; its HTTP server span must be skipped

pids=()

# stop ends what the script started, newest first, each with SIGTERM and at
# most 10 s to go before SIGKILL.
stop() {
  local i pid n
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for ((n = 0; n < 100; n++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop EXIT
trap 'exit 130' INT TERM

# http_get PORT PATH prints the status code, a newline and the body of
# GET http://127.0.0.1:PORT/PATH. HTTP/1.0 keeps the body unchunked and the
# server closes the connection after it, so bash's /dev/tcp is all it needs.
http_get() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3
  resp=$(cat <&3)
  status_line=${resp%%$'\r\n'*}
  code=${status_line#* }
  printf '%s\n%s\n' "${code%% *}" "${resp#*$'\r\n\r\n'}"
) 2>/dev/null

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS WHAT PID CMD...: runs CMD every 0.2 s until it succeeds;
# fails when SECONDS pass or when process PID has exited.
wait_until() {
  local secs=$1 what=$2 pid=$3 n
  shift 3
  for ((n = 0; n < secs * 5; n++)); do
    "$@" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo: $what: the process exited" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "demo: $what: not ready after ${secs}s" >&2
  return 1
}

healthy() { [[ $(http_get "$1" "$2" | head -n 1) == 200 ]]; }

standin_count() { # prints the stand-in's accepted record count
  local body
  body=$(http_get 18080 /healthz | tail -n +2)
  [[ $body =~ \"records\":([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

enough_records() { (($(standin_count || echo 0) >= expected_records)); }

for port in 18080 4317 4318 13133; do
  if port_in_use "$port"; then
    echo "demo: 127.0.0.1:$port is already in use; stop whatever listens there and retry" >&2
    exit 1
  fi
done

if [[ -z ${OTELCOL_ATHINA_BIN:-} ]]; then
  make -C "$root" build
  OTELCOL_ATHINA_BIN=$root/build/otelcol-athina/otelcol-athina
fi
echo "demo: building the stand-in and the demo app"
go build -o "$out/" ./internal/cmd/athina-standin ./internal/cmd/demoapp

echo "demo: starting the Athina stand-in on 127.0.0.1:18080"
"$out/athina-standin" -addr 127.0.0.1:18080 2>"$out/standin.log" &
pids+=($!)
wait_until 10 "stand-in" "${pids[-1]}" healthy 18080 /healthz

echo "demo: starting the collector ($OTELCOL_ATHINA_BIN)"
"$OTELCOL_ATHINA_BIN" --config="$root/testdata/demo-config.yaml" >"$out/collector.log" 2>&1 &
pids+=($!)
if ! wait_until 30 "collector" "${pids[-1]}" healthy 13133 /; then
  tail -n 20 "$out/collector.log" >&2
  exit 1
fi

"$out/demoapp" -endpoint 127.0.0.1:4318

echo "demo: waiting for $expected_records records at the stand-in (at most 20 s)"
if ! wait_until 20 "records" "${pids[-1]}" enough_records; then
  echo "demo: the stand-in has $(standin_count) records; collector log tail:" >&2
  tail -n 20 "$out/collector.log" >&2
  exit 1
fi
sleep 1 # anything extra (a record for the HTTP span, a duplicate) arrives now

records=$(http_get 18080 /records | tail -n +2)
echo "demo: records received by the stand-in (GET http://127.0.0.1:18080/records):"
echo "$records"

got=$(standin_count)
statuses=$(grep -o '^    "status_code": [0-9]*' <<<"$records" | grep -o '[0-9]*$' | sort | uniq -c |
  awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
leaked=no
if grep -qF "$ATHINA_API_KEY" "$out/collector.log"; then leaked=YES; fi
echo "demo: summary: $got records received (expected $expected_records);" \
  "status codes: ${statuses:-none}; API key in collector log: $leaked; logs in build/demo/"

stop
[[ $got == "$expected_records" && $leaked == no ]]

#!/usr/bin/env bash
# Instructions per span of BenchmarkPerSpan's record and anchor (otlp) runs,
# counted by valgrind's cachegrind: `make bench-ir`. Unlike ns/op on a shared
# VM, an instruction count repeats to about 1 % from run to run and from
# build to build, so it shows what a change did to the work itself. It says
# nothing of how fast that work runs (branch misses, cache misses, IPC):
# the ratio in time is BenchmarkPaired's.
#
# Each span's count is (Ir(2n) - Ir(n)) / n: the test binary's start-up
# and the benchmark's first round cancel out. The garbage collector is off
# (GOGC=off): its work depends on timing and moved counts by a tenth from
# run to run; allocation is counted, collection is not (B/op stands for it).
set -euo pipefail

n=${BENCH_IR_N:-1000}
spans=${BENCH_IR_SPANS:-genai-small genai-large genai-events-small genai-events-large openllmetry-small openllmetry-large openinference-small openinference-large vercel-small vercel-large}
command -v valgrind >/dev/null || { echo "bench-ir needs valgrind (apt-get install valgrind)" >&2; exit 1; }

bin=$(mktemp -d)/translate.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./translate

# ir WORK SPAN ITERATIONS prints the instructions of one run.
ir() {
	GOGC=off valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" \
		-test.run '^$' -test.bench "BenchmarkPerSpan/span=$2/work=$1\$" -test.benchtime "${3}x" -test.cpu 1 2>&1 |
		awk '/I +refs:/ { gsub(",", "", $NF); print $NF }'
}

per_span() { echo $(( ($(ir "$1" "$2" $((2 * n))) - $(ir "$1" "$2" "$n")) / n )); }

echo "| span | record instructions | otlp instructions | record/otlp |"
echo "|---|---:|---:|---:|"
for span in $spans; do
	rec=$(per_span record "$span")
	otlp=$(per_span otlp "$span")
	printf '| %s | %d | %d | %s |\n' "$span" "$rec" "$otlp" "$(awk -v a="$rec" -v b="$otlp" 'BEGIN { printf "%.2f", a / b }')"
done

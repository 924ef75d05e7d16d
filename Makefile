# Build, test and demo otelcol-athina. Needs only Go (and the Go module proxy
# for the first build); OCB is installed into .tools/.

GO          ?= go
OCB_VERSION := v0.165.0
TOOLS_DIR   := $(CURDIR)/.tools
OCB         := $(TOOLS_DIR)/builder
OCB_STAMP   := $(TOOLS_DIR)/.builder-$(OCB_VERSION)
DIST_DIR    := $(CURDIR)/build/otelcol-athina
OTELCOL_BIN := $(DIST_DIR)/otelcol-athina
# mdatagen v0.159.0 is the newest that builds from the module proxy here; its
# output compiles against collector v0.165.0. It is built in a throwaway
# module so its older dependencies stay out of this module's go.mod.
MDATAGEN_VERSION := v0.159.0
MDATAGEN         := $(TOOLS_DIR)/mdatagen-$(MDATAGEN_VERSION)

# The collector is rebuilt when the manifest or any Go source it may include
# changes; the Go build cache keeps a rebuild to seconds.
COLLECTOR_SRC := builder-config.yaml go.mod go.sum \
	$(shell find . -name '*.go' -not -name '*_test.go' -not -path './build/*' -not -path './.tools/*' 2>/dev/null)

.PHONY: tools build demo test fuzz generate clean load load-backpressure bench-ir

tools: $(OCB_STAMP)

$(OCB_STAMP):
	mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)
	touch $@

build: $(OTELCOL_BIN)

$(OTELCOL_BIN): $(COLLECTOR_SRC) | $(OCB_STAMP)
	mkdir -p $(dir $(DIST_DIR))
	$(OCB) --config=builder-config.yaml
	touch $@

demo: build
	OTELCOL_ATHINA_BIN=$(OTELCOL_BIN) bash internal/demo/run.sh

# End-to-end load tests, for people and not for CI (each takes a few
# minutes): see "Performance" in README.md. Flags go in LOAD_FLAGS, e.g.
# make load LOAD_FLAGS='-spans 20000' or make load-backpressure LOAD_FLAGS='-outage 30s'.
LOAD_FLAGS ?=
LOADTEST   := $(CURDIR)/build/loadtest/loadtest

load: build
	$(GO) build -o $(LOADTEST) ./internal/cmd/loadtest
	$(LOADTEST) -mode load -bin $(OTELCOL_BIN) -out build/loadtest $(LOAD_FLAGS)

# Instructions per span of the translation benchmarks, by valgrind: a
# comparison between builds that the VM's speed does not move.
bench-ir:
	bash internal/benchir/run.sh

load-backpressure: build
	$(GO) build -o $(LOADTEST) ./internal/cmd/loadtest
	$(LOADTEST) -mode backpressure -bin $(OTELCOL_BIN) -out build/loadtest $(LOAD_FLAGS)

# The in-process packages run a second time under the race detector: the
# exporter sends a batch's records from concurrent workers.
test: build
	OTELCOL_ATHINA_BIN=$(OTELCOL_BIN) $(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./exporter/... ./translate/... ./config/...

# Fuzzes the translation of hostile span input (translate/fuzz_test.go) and
# holds translate's JSON encoder and decoders to encoding/json
# (record_json_test.go, wire_decode_test.go), and message content kept as
# the producer's literal to content built again (literal_test.go). CI runs
# it after the tests. A failing input is written to
# translate/testdata/fuzz/<target>/, where every `make test` replays it.
# Minimizing a large new input is capped, so that the time goes to fuzzing.
#
# Each target runs a number of inputs (about 20 s each on 2 cores), not a
# duration: with a duration, Go 1.26's fuzzing coordinator can fail the
# target with a bare "context deadline exceeded" as time runs out, having
# found nothing (go.dev/issue/75804, fixed in Go 1.27). FUZZ_SCALE
# multiplies every count: `make fuzz FUZZ_SCALE=10` fuzzes ten times longer.
FUZZ_SCALE ?= 1
FUZZ_RUNS  := FuzzTraces:30000 FuzzSpanAttributes:100000 FuzzAppendJSON:300000 \
	FuzzWireDecoders:250000 FuzzCanonicalString:500000 FuzzLiteralContent:200000

fuzz:
	for run in $(FUZZ_RUNS); do \
	  target=$${run%%:*}; count=$$(( $${run#*:} * $(FUZZ_SCALE) )); \
	  $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime=$${count}x -fuzzminimizetime=5s ./translate || exit 1; \
	done

# Regenerates exporter/internal/metadata, the generated tests and
# documentation.md from exporter/metadata.yaml. mdatagen names the test
# package after the directory (exporter); the sed gives it the package's name.
generate: $(MDATAGEN)
	cd exporter && $(MDATAGEN) metadata.yaml
	sed -i 's/^package exporter$$/package athinaexporter/' exporter/generated_*_test.go
	gofmt -l exporter

$(MDATAGEN):
	mkdir -p $(TOOLS_DIR)
	tmp=$$(mktemp -d) && cd $$tmp && $(GO) mod init mdatagen-tool >/dev/null 2>&1 && \
	  $(GO) get -tool go.opentelemetry.io/collector/cmd/mdatagen@$(MDATAGEN_VERSION) && \
	  $(GO) build -o $@ go.opentelemetry.io/collector/cmd/mdatagen && rm -rf $$tmp

clean:
	rm -rf build .tools

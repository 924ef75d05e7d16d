# Build, test and demo otelcol-athina. Needs only Go (and the Go module proxy
# for the first build); OCB is installed into .tools/.

GO          ?= go
OCB_VERSION := v0.165.0
TOOLS_DIR   := $(CURDIR)/.tools
OCB         := $(TOOLS_DIR)/builder
OCB_STAMP   := $(TOOLS_DIR)/.builder-$(OCB_VERSION)
DIST_DIR    := $(CURDIR)/build/otelcol-athina
OTELCOL_BIN := $(DIST_DIR)/otelcol-athina

# The collector is rebuilt when the manifest or any Go source it may include
# changes; the Go build cache keeps a rebuild to seconds.
COLLECTOR_SRC := builder-config.yaml go.mod go.sum \
	$(shell find . -name '*.go' -not -name '*_test.go' -not -path './build/*' -not -path './.tools/*' 2>/dev/null)

.PHONY: tools build demo test clean

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

test: build
	OTELCOL_ATHINA_BIN=$(OTELCOL_BIN) $(GO) test -count=1 ./...

clean:
	rm -rf build .tools

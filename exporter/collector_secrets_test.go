package athinaexporter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/exporter/debugexporter"

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestAPIKeyNeverInCollectorOutput runs a collector at debug log level with
// the debug exporter (detailed) beside athina in the pipeline, while the API
// answers 401 (dropped, an error line) and then 500 twice (retried, info
// lines) before it accepts: the key appears in no line the collector or any
// component writes.
func TestAPIKeyNeverInCollectorOutput(t *testing.T) {
	api := standin.New(collectorAPIKey)
	var calls atomic.Int64
	api.SetFault(func(map[string]any) standin.Fault {
		codes := []int{http.StatusUnauthorized, http.StatusInternalServerError, http.StatusInternalServerError}
		if n := int(calls.Add(1)); n <= len(codes) {
			return standin.Fault{Status: codes[n-1]}
		}
		return standin.Fault{}
	})
	srv := httptest.NewServer(api)
	defer srv.Close()
	otlpAddr := collectortest.FreeAddr(t)
	col := collectortest.Start(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
exporters:
  debug:
    verbosity: detailed
  athina:
    endpoint: %s
    api_key: %s
    max_concurrency: 1
    sending_queue:
      batch:
        flush_timeout: 50ms
    retry_on_failure:
      initial_interval: 50ms
service:
  telemetry:
    logs:
      level: debug
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [athina, debug]
`, otlpAddr, srv.URL, collectorAPIKey), collectortest.WithExporters(debugexporter.NewFactory()))

	emitSpans(t, otlpAddr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := api.WaitForRecords(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, col.Shutdown())

	var all strings.Builder
	for _, entry := range col.Logs.All() {
		fmt.Fprintln(&all, entry.Message, entry.ContextMap())
	}
	out := all.String()
	assert.Contains(t, out, "gen_ai.input.messages", "the debug exporter printed the spans")
	assert.Contains(t, out, "Athina rejects the API key", "the 401 was logged")
	assert.Contains(t, out, "athina answered 500", "the retries were logged")
	assert.NotContains(t, out, collectorAPIKey)
}

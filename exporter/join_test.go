package athinaexporter_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// capturedBatches splits the captured @opentelemetry/instrumentation-openai
// app (spans without content, content as log events) into two span batches
// and two log batches, encoded as OTLP/JSON, the way its SDK exported them.
func capturedBatches(t *testing.T) (spans, logs [2][]byte) {
	t.Helper()
	dir := filepath.Join("..", "testdata", "captured")
	rawSpans, err := os.ReadFile(filepath.Join(dir, "otel-official.json"))
	require.NoError(t, err)
	rawLogs, err := os.ReadFile(filepath.Join(dir, "otel-official.logs.json"))
	require.NoError(t, err)

	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(rawSpans)
	require.NoError(t, err)
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(rawLogs)
	require.NoError(t, err)
	require.Equal(t, 2, td.ResourceSpans().Len())
	require.Equal(t, 2, ld.ResourceLogs().Len())

	for i := range 2 {
		part := ptrace.NewTraces()
		td.ResourceSpans().At(i).CopyTo(part.ResourceSpans().AppendEmpty())
		spans[i], err = (&ptrace.JSONMarshaler{}).MarshalTraces(part)
		require.NoError(t, err)

		lpart := plog.NewLogs()
		ld.ResourceLogs().At(i).CopyTo(lpart.ResourceLogs().AppendEmpty())
		logs[i], err = (&plog.JSONMarshaler{}).MarshalLogs(lpart)
		require.NoError(t, err)
	}
	return spans, logs
}

func postOTLP(t *testing.T, addr, signal string, body []byte) {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/v1/"+signal, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// TestLogEventsJoinOntoTheirSpans runs the exporter in a traces and a logs
// pipeline and sends the captured app's spans and content events in
// different batches and orders: every record gets its prompt and response.
func TestLogEventsJoinOntoTheirSpans(t *testing.T) {
	spans, logs := capturedBatches(t)
	type step struct {
		signal string
		body   []byte
		after  time.Duration // pause before this step
	}
	scenarios := map[string][]step{
		"events first": {
			{"logs", logs[0], 0}, {"logs", logs[1], 0}, {"traces", spans[0], 0}, {"traces", spans[1], 0},
		},
		"spans first, events within the wait": {
			{"traces", spans[0], 0}, {"traces", spans[1], 0},
			{"logs", logs[0], 300 * time.Millisecond}, {"logs", logs[1], 100 * time.Millisecond},
		},
		"interleaved": {
			{"logs", logs[1], 0}, {"traces", spans[1], 0}, {"traces", spans[0], 0},
			{"logs", logs[0], 200 * time.Millisecond},
		},
	}
	for name, steps := range scenarios {
		t.Run(name, func(t *testing.T) {
			api := standin.New(collectorAPIKey)
			srv := httptest.NewServer(api)
			defer srv.Close()
			otlpAddr := collectortest.FreeAddr(t)
			collectortest.Start(t, joinConfig(otlpAddr, srv.URL, "2s"))

			// The first log batch teaches the exporter that this
			// instrumentation sends content as events; send it first in
			// the spans-first case too, for another trace's span.
			for _, s := range steps {
				time.Sleep(s.after)
				postOTLP(t, otlpAddr, s.signal, s.body)
			}

			records := waitRecords(t, api, 10)
			byID := map[string]map[string]any{}
			for _, rec := range records {
				byID[rec["external_reference_id"].(string)] = rec
				assert.NotEmpty(t, rec["prompt"], "record %s has its prompt", rec["external_reference_id"])
				if rec["status_code"] == float64(200) {
					assert.True(t, rec["response"] != "" || rec["tool_calls"] != nil,
						"record %s has its output", rec["external_reference_id"])
				}
			}
			first := byID["32b51b0f1b66d87a8022ad53222d8772-a1ee5690149aea0d"]
			require.NotNil(t, first)
			assert.Equal(t, []any{map[string]any{"role": "user", "content": "What is the capital of France?"}}, first["prompt"])
			assert.Equal(t, "Fake reply (turn 1) to: What is the capital of France?", first["response"])
			assert.Equal(t, "What is the capital of France?", first["user_query"])
		})
	}
}

// TestRecordIsSentWhenEventsNeverCome checks the bound: a span whose events
// do not arrive is sent with what it has once log_events.wait has passed.
func TestRecordIsSentWhenEventsNeverCome(t *testing.T) {
	spans, logs := capturedBatches(t)
	api := standin.New(collectorAPIKey)
	srv := httptest.NewServer(api)
	defer srv.Close()
	otlpAddr := collectortest.FreeAddr(t)
	collectortest.Start(t, joinConfig(otlpAddr, srv.URL, "300ms"))

	// Events of the RAG and session calls (the second resource) only; the
	// first resource's eight calls wait for theirs in vain.
	postOTLP(t, otlpAddr, "logs", logs[1])
	start := time.Now()
	postOTLP(t, otlpAddr, "traces", spans[0])
	postOTLP(t, otlpAddr, "traces", spans[1])

	records := waitRecords(t, api, 10)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond, "the batch waited for the events")
	withContent := 0
	for _, rec := range records {
		if len(rec["prompt"].([]any)) > 0 {
			withContent++
		}
	}
	assert.Equal(t, 2, withContent, "only the two spans whose events came have content")
}

func joinConfig(otlpAddr, apiURL, wait string) string {
	return fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
exporters:
  athina:
    endpoint: %s
    api_key: %s
    log_events:
      wait: %s
    sending_queue:
      batch:
        flush_timeout: 50ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [athina]
    logs:
      receivers: [otlp]
      exporters: [athina]
`, otlpAddr, apiURL, collectorAPIKey, wait)
}

// waitRecords waits for n records, then a moment more so that a stray extra
// record would show.
func waitRecords(t *testing.T, api *standin.Server, n int) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, err := api.WaitForRecords(ctx, n)
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond)
	records := api.Records()
	require.Len(t, records, n)
	return records
}

// Package e2e tests the collector binary that OCB builds (make build) as a user
// runs it: a config file, spans sent over OTLP, records received by the
// stand-in of Athina's log API.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// apiKey is distinctive so that the test can tell it never reaches the
// collector's output.
const apiKey = "e2e-key-7f3c91d2a4b8"

const configTemplate = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  athina:
    endpoint: %s
    api_key: ${env:ATHINA_E2E_API_KEY}
    sending_queue:
      batch:
        flush_timeout: 100ms
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [athina]
  telemetry:
    metrics:
      level: none
`

// collectorBinary returns the OCB-built binary named by OTELCOL_ATHINA_BIN,
// or skips the test when it is not set.
func collectorBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("OTELCOL_ATHINA_BIN")
	if bin == "" {
		t.Skip("OTELCOL_ATHINA_BIN is not set: run `make test`, or `make build` and set it to build/otelcol-athina/otelcol-athina")
	}
	return bin
}

// startWithStandin starts the binary with cfgTemplate (filled with a free
// OTLP port and the URL of a stand-in of the API) and returns the running
// collector, the stand-in and the OTLP endpoint.
func startWithStandin(t *testing.T, cfgTemplate string) (*collector, *standin.Server, string) {
	t.Helper()
	bin := collectorBinary(t)
	api := standin.New(apiKey)
	backend := httptest.NewServer(api)
	t.Cleanup(backend.Close)
	otlpPort := freePort(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfg, fmt.Appendf(nil, cfgTemplate, otlpPort, backend.URL), 0o600))

	col := startCollector(t, bin, cfg, "ATHINA_E2E_API_KEY="+apiKey)
	return col, api, fmt.Sprintf("127.0.0.1:%d", otlpPort)
}

func TestBinaryLogsLLMSpansToAthina(t *testing.T) {
	col, api, otlpEndpoint := startWithStandin(t, configTemplate)
	chat, failed := sendSpans(t, otlpEndpoint)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err := api.WaitForRecords(ctx, 2)
	require.NoError(t, err)
	col.stop(t)

	records := map[string]map[string]any{}
	for _, rec := range api.Records() {
		ref, _ := rec["external_reference_id"].(string)
		records[ref] = rec
	}
	require.Len(t, records, 2, "one record per LLM span, none for the HTTP server span: %v", api.Records())

	got := records[ref(chat)]
	require.NotNil(t, got, "no record for the chat span %s", ref(chat))
	assert.Equal(t, "gpt-4o-mini-2024-07-18", got["language_model_id"])
	assert.Equal(t, []any{map[string]any{"role": "user", "content": "What is 2+2?"}}, got["prompt"])
	assert.Equal(t, "4", got["response"])
	assert.Equal(t, float64(200), got["status_code"])

	got = records[ref(failed)]
	require.NotNil(t, got, "no record for the failed span %s", ref(failed))
	assert.Equal(t, "gpt-4o-mini", got["language_model_id"])
	assert.Equal(t, []any{map[string]any{"role": "user", "content": "And 3+3?"}}, got["prompt"])
	assert.Empty(t, got["response"])
	assert.Equal(t, float64(429), got["status_code"])
	assert.Contains(t, got["error"], "Rate limit")

	assert.Equal(t, map[int]int{200: 2}, api.StatusCounts())
	assert.NotContains(t, col.output(), apiKey, "the API key must never be logged")
}

// sendSpans sends, in one trace, an HTTP server span with two LLM spans under
// it: a chat that answered and one that failed with a rate limit.
func sendSpans(t *testing.T, endpoint string) (chat, failed trace.SpanContext) {
	t.Helper()
	ctx := t.Context()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(resource.NewSchemaless(
		attribute.String("service.name", "e2e-app"),
	)))
	tracer := tp.Tracer("e2e")

	ctx, server := tracer.Start(ctx, "POST /ask", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", "POST"), attribute.String("http.route", "/ask")))
	chat = llmSpan(ctx, tracer, "", attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"What is 2+2?"}]}]`),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"4"}],"finish_reason":"stop"}]`),
		attribute.Int("gen_ai.usage.input_tokens", 12), attribute.Int("gen_ai.usage.output_tokens", 1))
	failed = llmSpan(ctx, tracer, "429 Rate limit reached", attribute.String("error.type", "RateLimitError"),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"And 3+3?"}]}]`))
	server.End()

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tp.Shutdown(shutdownCtx))
	return chat, failed
}

func llmSpan(ctx context.Context, tracer trace.Tracer, errMsg string, attrs ...attribute.KeyValue) trace.SpanContext {
	_, span := tracer.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
	), trace.WithAttributes(attrs...))
	if errMsg != "" {
		span.SetStatus(codes.Error, errMsg)
	}
	span.End()
	return span.SpanContext()
}

func ref(sc trace.SpanContext) string {
	return sc.TraceID().String() + "-" + sc.SpanID().String()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// collector is a running collector binary.
type collector struct {
	cmd     *exec.Cmd
	out     *syncBuffer   // stdout and stderr
	exited  chan struct{} // closed when the process has exited
	waitErr error         // how it exited; read only after exited is closed
}

// startCollector starts bin with cfg and waits (at most 30 s) until it says it
// is ready. The process is stopped at the end of the test if the test has not
// stopped it.
func startCollector(t *testing.T, bin, cfg string, env ...string) *collector {
	t.Helper()
	c := &collector{out: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(bin, "--config="+cfg)
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout = c.out
	c.cmd.Stderr = c.out
	c.cmd.WaitDelay = 5 * time.Second
	require.NoError(t, c.cmd.Start())
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() { c.kill() })

	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(c.output(), "Everything is ready") {
		select {
		case <-c.exited:
			t.Fatalf("collector exited before it was ready (%v):\n%s", c.waitErr, c.output())
		case <-deadline:
			t.Fatalf("collector not ready after 30s:\n%s", c.output())
		case <-tick.C:
		}
	}
	return c
}

// stop sends SIGTERM and waits at most 20 s for a clean exit.
func (c *collector) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-c.exited:
		require.NoError(t, c.waitErr, "collector output:\n%s", c.output())
	case <-time.After(20 * time.Second):
		c.kill()
		t.Fatalf("collector did not stop within 20s of SIGTERM:\n%s", c.output())
	}
}

// kill ends the process if it still runs and waits for it.
func (c *collector) kill() {
	select {
	case <-c.exited:
	default:
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

func (c *collector) output() string { return c.out.String() }

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

package athinaexporter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
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

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

const collectorAPIKey = "sk-in-process-8c41d0e2"

// TestCollectorEndToEnd runs a real collector in this process (OTLP
// receiver → athina exporter), feeds it spans through the OTel Go SDK as an
// instrumented app would, and checks the exact records the API receives.
func TestCollectorEndToEnd(t *testing.T) {
	api := standin.New(collectorAPIKey)
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
  athina:
    endpoint: %s
    api_key: %s
    tags: [in-process]
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
`, otlpAddr, srv.URL, collectorAPIKey))

	sent := emitSpans(t, otlpAddr)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	records, err := api.WaitForRecords(ctx, 2)
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // a stray third record would show now
	records = api.Records()
	require.Len(t, records, 2, "the HTTP span is not an LLM call and makes no record")

	byID := map[string]map[string]any{}
	for _, rec := range records {
		byID[rec["external_reference_id"].(string)] = rec
	}
	chat := byID[externalRef(sent.chat)]
	require.NotNil(t, chat, "the chat span's record, keyed by <trace_id>-<span_id>")
	failed := byID[externalRef(sent.failed)]
	require.NotNil(t, failed)

	assert.Greater(t, chat["response_time"], float64(0))
	delete(chat, "response_time")
	assert.JSONEq(t, fmt.Sprintf(`{
		"language_model_id": "gpt-4o-mini-2024-07-18",
		"prompt": [
			{"role": "system", "content": "You are a concise assistant."},
			{"role": "user", "content": "What is the capital of France?"}
		],
		"response": "Paris.",
		"user_query": "What is the capital of France?",
		"status_code": 200,
		"prompt_tokens": 21,
		"completion_tokens": 3,
		"total_tokens": 24,
		"environment": "e2e",
		"session_id": "conv-42",
		"customer_user_id": "user-7",
		"external_reference_id": %q,
		"tags": ["in-process"],
		"model_options": {"temperature": 0.2, "max_completion_tokens": 128},
		"custom_attributes": {
			"trace_id": %q, "span_id": %q, "span_name": "chat gpt-4o-mini",
			"service_name": "e2e-chat-app", "provider": "openai",
			"request_model": "gpt-4o-mini", "response_model": "gpt-4o-mini-2024-07-18",
			"response_id": "chatcmpl-e2e1", "finish_reasons": ["stop"]
		}
	}`, externalRef(sent.chat), sent.chat.TraceID().String(), sent.chat.SpanID().String()), mustJSON(t, chat))

	assert.Equal(t, float64(429), failed["status_code"])
	assert.Equal(t, "429 Rate limit reached for requests", failed["error"])
	assert.Equal(t, "", failed["response"])

	for _, entry := range col.Logs.All() {
		assert.NotContains(t, entry.Message+fmt.Sprint(entry.ContextMap()), collectorAPIKey)
	}
}

type sentSpans struct{ chat, failed trace.SpanContext }

// emitSpans sends, through the OTel Go SDK over OTLP/HTTP, a chat call, a
// failed call and an HTTP server span.
func emitSpans(t *testing.T, otlpAddr string) sentSpans {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(otlpAddr), otlptracehttp.WithInsecure())
	require.NoError(t, err)
	res := resource.NewSchemaless(
		attribute.String("service.name", "e2e-chat-app"),
		attribute.String("deployment.environment.name", "e2e"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res))
	tracer := tp.Tracer("e2e")

	var sent sentSpans
	_, chat := tracer.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient))
	chat.SetAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.String("gen_ai.response.id", "chatcmpl-e2e1"),
		attribute.StringSlice("gen_ai.response.finish_reasons", []string{"stop"}),
		attribute.Float64("gen_ai.request.temperature", 0.2),
		attribute.Int("gen_ai.request.max_tokens", 128),
		attribute.String("gen_ai.conversation.id", "conv-42"),
		attribute.String("user.id", "user-7"),
		attribute.String("gen_ai.system_instructions", `[{"type":"text","content":"You are a concise assistant."}]`),
		attribute.String("gen_ai.input.messages",
			`[{"role":"user","parts":[{"type":"text","content":"What is the capital of France?"}]}]`),
		attribute.String("gen_ai.output.messages",
			`[{"role":"assistant","parts":[{"type":"text","content":"Paris."}],"finish_reason":"stop"}]`),
		attribute.Int("gen_ai.usage.input_tokens", 21),
		attribute.Int("gen_ai.usage.output_tokens", 3),
	)
	time.Sleep(2 * time.Millisecond)
	chat.End()
	sent.chat = chat.SpanContext()

	_, failed := tracer.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient))
	failed.SetAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("error.type", "RateLimitError"),
	)
	failed.SetStatus(codes.Error, "429 Rate limit reached for requests")
	failed.End()
	sent.failed = failed.SpanContext()

	_, http := tracer.Start(ctx, "GET /chat", trace.WithSpanKind(trace.SpanKindServer))
	http.SetAttributes(attribute.String("http.request.method", "GET"), attribute.Int("http.response.status_code", 200))
	http.End()

	require.NoError(t, tp.Shutdown(ctx))
	return sent
}

func externalRef(sc trace.SpanContext) string {
	return sc.TraceID().String() + "-" + sc.SpanID().String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// groupedConfig is the supported setup for whole traces: the groupbytrace
// processor in front of the exporter, so a framework's LLM span and the
// provider call inside it reach the exporter together even when the app
// exports them in different requests.
const groupedConfig = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
processors:
  groupbytrace:
    wait_duration: 1s
exporters:
  athina:
    endpoint: %s
    api_key: ${env:ATHINA_E2E_API_KEY}
    sending_queue:
      batch:
        flush_timeout: 10ms
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [groupbytrace]
      exporters: [athina]
  telemetry:
    metrics:
      level: none
`

// TestGroupByTraceLogsTheInnermostCallOnce sends a LangChain-style LLM span
// (OpenInference) wrapping the provider's chat span (GenAI) as two OTLP
// requests half a second apart: behind groupbytrace the exporter sees both
// and sends one record, for the inner call, with the wrapper's session.
func TestGroupByTraceLogsTheInnermostCallOnce(t *testing.T) {
	col, api, otlpEndpoint := startWithStandin(t, groupedConfig)

	inner := sendWrappedCall(t, otlpEndpoint)

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err := api.WaitForRecords(ctx, 1)
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond) // a second record would show now
	records := api.Records()
	require.Len(t, records, 1, "one model call, one record")

	rec := records[0]
	assert.Equal(t, ref(inner), rec["external_reference_id"], "the innermost span is the record")
	assert.Equal(t, "gpt-4o-mini-2024-07-18", rec["language_model_id"])
	assert.Equal(t, "sess-langchain-1", rec["session_id"], "taken from the wrapper")
	assert.Equal(t, "Bonjour !", rec["response"])
	col.stop(t)
}

// sendWrappedCall ends the inner chat span, exports it, waits, then ends and
// exports the wrapper: two requests, as a batching SDK may well send them.
func sendWrappedCall(t *testing.T, endpoint string) trace.SpanContext {
	t.Helper()
	ctx := t.Context()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(resource.NewSchemaless(
		attribute.String("service.name", "e2e-langchain-app"),
	)))
	tracer := tp.Tracer("e2e")

	ctx, wrapper := tracer.Start(ctx, "ChatOpenAI", trace.WithAttributes(
		attribute.String("openinference.span.kind", "LLM"),
		attribute.String("llm.model_name", "gpt-4o-mini"),
		attribute.String("session.id", "sess-langchain-1"),
		attribute.String("llm.input_messages.0.message.role", "user"),
		attribute.String("llm.input_messages.0.message.content", "Say hello in French."),
	))
	_, inner := tracer.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Bonjour !"}],"finish_reason":"stop"}]`),
		attribute.Int("gen_ai.usage.input_tokens", 11),
		attribute.Int("gen_ai.usage.output_tokens", 3),
	))
	inner.End()
	time.Sleep(500 * time.Millisecond)
	wrapper.End()

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tp.Shutdown(shutdownCtx))
	return inner.SpanContext()
}

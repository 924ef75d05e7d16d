// Command demoapp is a small chat app, for the demo, that emits the spans an
// instrumented app would: LLM spans in the OTel GenAI semantic conventions
// (the current, attribute-based style) under one HTTP server span. It makes no
// model calls; the spans describe made-up ones. It sends them over OTLP/HTTP
// and prints how many were sent.
//
// The spans, all in one trace under "POST /chat" (which the exporter skips):
//   - chat gpt-4o-mini: a plain answer, with system instructions;
//   - chat gpt-4o-mini: the model asks for the get_weather tool;
//   - chat gpt-4o-mini: the follow-up with the tool's response;
//   - chat gpt-4o-mini: a call that failed with a rate-limit error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Attribute names, our own constants: the GenAI names still move between
// semantic-convention releases.
const (
	attrOperation      = "gen_ai.operation.name"
	attrProvider       = "gen_ai.provider.name"
	attrRequestModel   = "gen_ai.request.model"
	attrResponseModel  = "gen_ai.response.model"
	attrResponseID     = "gen_ai.response.id"
	attrFinishReasons  = "gen_ai.response.finish_reasons"
	attrInputMessages  = "gen_ai.input.messages"
	attrOutputMessages = "gen_ai.output.messages"
	attrInstructions   = "gen_ai.system_instructions"
	attrToolDefs       = "gen_ai.tool.definitions"
	attrInputTokens    = "gen_ai.usage.input_tokens"
	attrOutputTokens   = "gen_ai.usage.output_tokens"
	attrTemperature    = "gen_ai.request.temperature"
	attrMaxTokens      = "gen_ai.request.max_tokens"
	attrConversationID = "gen_ai.conversation.id"
	attrUserID         = "user.id"
	attrErrorType      = "error.type"
)

const (
	requestModel  = "gpt-4o-mini"
	responseModel = "gpt-4o-mini-2024-07-18"
	conversation  = "conv-demo-42"
	user          = "user-7"
)

func main() {
	endpoint := flag.String("endpoint", "127.0.0.1:4318", "OTLP/HTTP host:port to send spans to (insecure)")
	flag.Parse()

	log.SetFlags(0)
	log.SetPrefix("demoapp: ")
	sent, err := run(*endpoint)
	if err != nil {
		log.Printf("sent %d spans, then failed: %v", sent, err)
		os.Exit(1)
	}
	fmt.Printf("demoapp: sent %d spans to %s (4 LLM calls under 1 HTTP server span)\n", sent, *endpoint)
}

func run(endpoint string) (int64, error) {
	ctx := context.Background()

	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
	if err != nil {
		return 0, err
	}
	counted := &countingExporter{SpanExporter: exp}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", "demo-chat-app"),
		attribute.String("deployment.environment.name", "demo"),
	))
	if err != nil {
		return 0, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(counted), sdktrace.WithResource(res))

	emit(ctx, tp.Tracer("github.com/athina-otel/athinaexporter/internal/cmd/demoapp"))

	shutdownCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = tp.Shutdown(shutdownCtx) // flushes the batch
	return counted.sent.Load(), err
}

// emit records the demo's spans. Times are set explicitly so that each call
// has a realistic duration without the demo waiting for it.
func emit(ctx context.Context, tracer trace.Tracer) {
	t0 := time.Now().Add(-5 * time.Second)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

	ctx, server := tracer.Start(ctx, "POST /chat", trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(at(0)),
		trace.WithAttributes(
			attribute.String("http.request.method", "POST"),
			attribute.String("http.route", "/chat"),
			attribute.String("url.path", "/chat"),
			attribute.String("url.scheme", "http"),
			attribute.String(attrUserID, user),
		))

	calls := []call{
		{start: at(100), end: at(900), attrs: plainChat()},
		{start: at(1000), end: at(1750), attrs: toolCallTurn()},
		{start: at(1900), end: at(2800), attrs: toolFollowUp()},
		{start: at(2900), end: at(3150), attrs: rateLimited(), err: rateLimitMessage},
	}
	for _, c := range calls {
		record(ctx, tracer, c)
	}

	server.SetAttributes(attribute.Int("http.response.status_code", 200))
	server.End(trace.WithTimestamp(at(3300)))
}

// call is one model call for the demo to record.
type call struct {
	start, end time.Time
	attrs      []attribute.KeyValue
	err        string // the span's error status message, if the call failed
}

// record records one model call as a CLIENT span named the way the
// conventions say: "{operation} {request model}".
func record(ctx context.Context, tracer trace.Tracer, c call) {
	common := []attribute.KeyValue{
		attribute.String(attrOperation, "chat"),
		attribute.String(attrProvider, "openai"),
		attribute.String(attrRequestModel, requestModel),
		attribute.String("server.address", "api.openai.com"),
		attribute.Int("server.port", 443),
		attribute.String(attrConversationID, conversation),
		attribute.String(attrUserID, user),
	}
	_, span := tracer.Start(ctx, "chat "+requestModel, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(c.start), trace.WithAttributes(append(common, c.attrs...)...))
	if c.err != "" {
		span.SetStatus(codes.Error, c.err)
	}
	span.End(trace.WithTimestamp(c.end))
}

func plainChat() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(attrInstructions, toJSON([]part{text("You are a concise travel assistant.")})),
		attribute.String(attrInputMessages, toJSON([]message{
			{Role: "user", Parts: []part{text("Suggest one thing to do in Lisbon on a rainy afternoon.")}},
		})),
		attribute.String(attrOutputMessages, toJSON([]message{
			{
				Role:         "assistant",
				Parts:        []part{text("Visit the National Tile Museum: it is indoors and shows five centuries of azulejos.")},
				FinishReason: "stop",
			},
		})),
		attribute.String(attrResponseModel, responseModel),
		attribute.String(attrResponseID, "chatcmpl-demo-0001"),
		attribute.StringSlice(attrFinishReasons, []string{"stop"}),
		attribute.Float64(attrTemperature, 0.2),
		attribute.Int(attrMaxTokens, 256),
		attribute.Int(attrInputTokens, 31),
		attribute.Int(attrOutputTokens, 21),
	}
}

const rateLimitMessage = "429 Rate limit reached for gpt-4o-mini on requests per min (RPM)"

const weatherQuestion = "Is it raining in Lisbon right now?"

var weatherCall = part{
	"type": "tool_call", "id": "call_wx_01", "name": "get_weather", "arguments": map[string]any{"city": "Lisbon"},
}

func toolDefinitions() attribute.KeyValue {
	return attribute.String(attrToolDefs, toJSON([]map[string]any{{
		"type":        "function",
		"name":        "get_weather",
		"description": "Current weather for a city.",
		"parameters": map[string]any{
			"type":       "object",
			"properties": map[string]any{"city": map[string]any{"type": "string"}},
			"required":   []string{"city"},
		},
	}}))
}

func toolCallTurn() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(attrInputMessages, toJSON([]message{
			{Role: "user", Parts: []part{text(weatherQuestion)}},
		})),
		attribute.String(attrOutputMessages, toJSON([]message{
			{Role: "assistant", Parts: []part{weatherCall}, FinishReason: "tool_call"},
		})),
		toolDefinitions(),
		attribute.String(attrResponseModel, responseModel),
		attribute.String(attrResponseID, "chatcmpl-demo-0002"),
		attribute.StringSlice(attrFinishReasons, []string{"tool_call"}),
		attribute.Float64(attrTemperature, 0),
		attribute.Int(attrInputTokens, 64),
		attribute.Int(attrOutputTokens, 15),
	}
}

func toolFollowUp() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(attrInputMessages, toJSON([]message{
			{Role: "user", Parts: []part{text(weatherQuestion)}},
			{Role: "assistant", Parts: []part{weatherCall}},
			{Role: "tool", Parts: []part{{"type": "tool_call_response", "id": "call_wx_01", "response": "light rain, 14°C"}}},
		})),
		attribute.String(attrOutputMessages, toJSON([]message{
			{
				Role:         "assistant",
				Parts:        []part{text("Yes, light rain in Lisbon right now, 14°C. Take an umbrella.")},
				FinishReason: "stop",
			},
		})),
		toolDefinitions(),
		attribute.String(attrResponseModel, responseModel),
		attribute.String(attrResponseID, "chatcmpl-demo-0003"),
		attribute.StringSlice(attrFinishReasons, []string{"stop"}),
		attribute.Float64(attrTemperature, 0),
		attribute.Int(attrInputTokens, 97),
		attribute.Int(attrOutputTokens, 19),
	}
}

func rateLimited() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(attrInputMessages, toJSON([]message{
			{Role: "user", Parts: []part{text("Summarise our conversation so far.")}},
		})),
		attribute.Int(attrMaxTokens, 128),
		attribute.String(attrErrorType, "RateLimitError"),
	}
}

// message is a GenAI chat message: a role and typed parts.
type message struct {
	Role         string `json:"role"`
	Parts        []part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

type part map[string]any

func text(s string) part { return part{"type": "text", "content": s} }

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only fixed, marshalable values are passed
	}
	return string(b)
}

// countingExporter counts the spans its exporter delivered.
type countingExporter struct {
	sdktrace.SpanExporter
	sent atomic.Int64
}

func (e *countingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	if err == nil {
		e.sent.Add(int64(len(spans)))
	}
	return err
}

package translate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// httpServerSpan is a typical non-LLM span: ~20 attributes, none GenAI.
func httpServerSpan() ptrace.Span {
	span := ptrace.NewSpan()
	span.SetName("POST /v1/orders")
	span.SetKind(ptrace.SpanKindServer)
	attrs := span.Attributes()
	for _, kv := range [][2]string{
		{"http.request.method", "POST"}, {"http.route", "/v1/orders"}, {"url.path", "/v1/orders"},
		{"url.scheme", "https"}, {"url.query", "page=2"}, {"server.address", "api.example.com"},
		{"network.protocol.version", "1.1"}, {"client.address", "10.0.0.1"},
		{"user_agent.original", "curl/8.5.0"}, {"network.peer.address", "10.0.0.1"},
		{"network.local.address", "10.0.0.2"}, {"http.request.header.x-request-id", "req-1"},
		{"thread.name", "worker-3"}, {"code.function", "handleOrders"}, {"code.namespace", "api"},
	} {
		attrs.PutStr(kv[0], kv[1])
	}
	attrs.PutInt("server.port", 443)
	attrs.PutInt("client.port", 52311)
	attrs.PutInt("http.response.status_code", 200)
	attrs.PutInt("http.request.body.size", 512)
	attrs.PutInt("http.response.body.size", 2048)
	return span
}

// chatSpan builds a GenAI chat span with turns user/assistant exchanges
// (each fourth assistant turn calls a tool) and, when withTools, three tool
// definitions.
func chatSpan(turns int, withTools bool) ptrace.Span {
	span := ptrace.NewSpan()
	span.SetName("chat gpt-4o")
	span.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	span.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	span.SetStartTimestamp(1_700_000_000_000_000_000)
	span.SetEndTimestamp(1_700_000_000_850_000_000)

	type part map[string]any
	type message struct {
		Role  string `json:"role"`
		Parts []part `json:"parts"`
	}
	msgs := []message{}
	for i := range turns {
		msgs = append(msgs, message{"user", []part{{"type": "text", "content": fmt.Sprintf(
			"Question %d: what is the forecast for the coming days in city number %d, in detail?", i, i)}}})
		if i%4 == 3 {
			id := fmt.Sprintf("call_%d", i)
			msgs = append(msgs,
				message{"assistant", []part{{"type": "tool_call", "id": id, "name": "get_weather",
					"arguments": map[string]any{"city": fmt.Sprintf("city-%d", i), "days": 3}}}},
				message{"tool", []part{{"type": "tool_call_response", "id": id,
					"response": map[string]any{"temp_c": 18, "sky": "cloudy", "wind_kmh": 12}}}})
		}
		msgs = append(msgs, message{"assistant", []part{{"type": "text", "content": fmt.Sprintf(
			"Answer %d: mostly sunny with light winds, highs around 21°C and lows near 12°C.", i)}}})
	}
	input, _ := json.Marshal(msgs)
	output, _ := json.Marshal([]message{{"assistant", []part{{"type": "text", "content": "Sunny all week."}}}})

	attrs := span.Attributes()
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.provider.name", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-123")
	attrs.PutDouble("gen_ai.request.temperature", 0.2)
	attrs.PutInt("gen_ai.request.max_tokens", 512)
	attrs.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	attrs.PutInt("gen_ai.usage.input_tokens", 1200)
	attrs.PutInt("gen_ai.usage.output_tokens", 40)
	attrs.PutStr("server.address", "api.openai.com")
	attrs.PutStr("gen_ai.system_instructions", `[{"type":"text","content":"You are a weather assistant."}]`)
	attrs.PutStr("gen_ai.input.messages", string(input))
	attrs.PutStr("gen_ai.output.messages", string(output))
	if withTools {
		var tools strings.Builder
		tools.WriteByte('[')
		for i, name := range []string{"get_weather", "get_forecast", "get_alerts"} {
			if i > 0 {
				tools.WriteByte(',')
			}
			fmt.Fprintf(&tools, `{"type":"function","name":%q,"description":"Look up %s for a city",`+
				`"parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}`,
				name, name)
		}
		tools.WriteByte(']')
		attrs.PutStr("gen_ai.tool.definitions", tools.String())
	}
	return span
}

func BenchmarkTranslate(b *testing.B) {
	res := pcommon.NewResource()
	res.Attributes().PutStr("service.name", "bench")
	scope := pcommon.NewInstrumentationScope()
	tr := New(Options{Environment: "bench", Tags: []string{"bench"}, MaxFieldBytes: 16 << 10})

	for _, bc := range []struct {
		name string
		span ptrace.Span
	}{
		{"small", chatSpan(1, false)},
		{"large", chatSpan(24, true)},
	} {
		input, _ := bc.span.Attributes().Get("gen_ai.input.messages")
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(input.Str())))
			for b.Loop() {
				if _, _, ok := tr.Span(res, scope, bc.span); !ok {
					b.Fatal("not translated")
				}
			}
		})
	}
}

func BenchmarkSkip(b *testing.B) {
	span := httpServerSpan()
	res, scope := pcommon.NewResource(), pcommon.NewInstrumentationScope()
	tr := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := tr.Span(res, scope, span); ok {
			b.Fatal("translated")
		}
	}
}

// skipBatch is a batch of 200 HTTP spans in 20 traces, with parent links:
// what most batches reaching the exporter look like.
func skipBatch() ptrace.Traces {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := range 200 {
		span := spans.AppendEmpty()
		httpServerSpan().CopyTo(span)
		span.SetTraceID(pcommon.TraceID{byte(i / 10), 1})
		span.SetSpanID(pcommon.SpanID{byte(i), 2})
		if i%10 != 0 {
			span.SetParentSpanID(pcommon.SpanID{byte(i - i%10), 2})
		}
	}
	return td
}

// agentBatch is 20 traces of an HTTP root, an agent span, a retrieval span
// and two chat spans: a batch that needs the trace tree.
func agentBatch() ptrace.Traces {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := range 20 {
		trace := pcommon.TraceID{byte(i), 1}
		id := func(n byte) pcommon.SpanID { return pcommon.SpanID{byte(i), n} }
		root := spans.AppendEmpty()
		httpServerSpan().CopyTo(root)
		root.SetTraceID(trace)
		root.SetSpanID(id(1))
		root.Attributes().PutStr("session.id", "s")

		agent := spans.AppendEmpty()
		agent.SetTraceID(trace)
		agent.SetSpanID(id(2))
		agent.SetParentSpanID(id(1))
		agent.Attributes().PutStr("gen_ai.operation.name", "invoke_agent")

		retrieval := spans.AppendEmpty()
		retrieval.SetTraceID(trace)
		retrieval.SetSpanID(id(3))
		retrieval.SetParentSpanID(id(2))
		retrieval.SetStartTimestamp(1_699_999_999_000_000_000)
		retrieval.SetEndTimestamp(1_699_999_999_500_000_000)
		retrieval.Attributes().PutStr("gen_ai.operation.name", "retrieval")
		retrieval.Attributes().PutStr("gen_ai.retrieval.documents", `[{"id":"a","content":"Paris is in France."}]`)

		for n := byte(4); n < 6; n++ {
			chat := spans.AppendEmpty()
			chatSpan(2, true).CopyTo(chat)
			chat.SetTraceID(trace)
			chat.SetSpanID(id(n))
			chat.SetParentSpanID(id(2))
		}
	}
	return td
}

func BenchmarkTraces(b *testing.B) {
	tr := New(Options{Environment: "bench", MaxFieldBytes: 16 << 10})
	for _, bc := range []struct {
		name  string
		batch ptrace.Traces
	}{
		{"skip", skipBatch()},
		{"agents", agentBatch()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tr.Traces(bc.batch)
			}
		})
	}
}

// BenchmarkPerSpan measures per span what the exporter does with it against
// the anchor, pdata's own OTLP/JSON encoding of the same span (work=otlp):
// for an LLM span, translating it and encoding its record as the request
// body (work=record); for an HTTP server span, deciding to skip it
// (work=skip). Each span is alone in a ptrace.Traces with its resource and
// scope. benchstat -col /work shows each cost relative to the anchor.
func BenchmarkPerSpan(b *testing.B) {
	tr := New(Options{Environment: "bench", Tags: []string{"bench"}, MaxFieldBytes: 256 << 10})
	httpTraces, httpSpan := benchTraces("io.opentelemetry.tomcat-10.0")
	httpServerSpan().CopyTo(httpSpan)
	cases := append(perSpanCases(), benchSpanCase{"http-server", httpTraces})

	for _, c := range cases {
		b.Run("span="+c.name+"/work=otlp", func(b *testing.B) {
			var m ptrace.JSONMarshaler
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.MarshalTraces(c.td); err != nil {
					b.Fatal(err)
				}
			}
		})
		if c.name == "http-server" {
			b.Run("span="+c.name+"/work=skip", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if res := tr.Traces(c.td); len(res.Items) != 0 {
						b.Fatal("translated")
					}
				}
			})
			continue
		}
		b.Run("span="+c.name+"/work=record", func(b *testing.B) {
			var body []byte // the exporter's pooled request body
			b.ReportAllocs()
			for b.Loop() {
				res := tr.Traces(c.td)
				if len(res.Items) != 1 {
					b.Fatal("not translated")
				}
				body = append(res.Items[0].Record.AppendJSON(body[:0]), '\n')
			}
		})
	}
}

// BenchmarkPaired measures the ratio BenchmarkPerSpan's record and otlp
// runs are compared by, in one run: it alternates bursts of both on the
// same span, so that both see the same machine. On a shared VM whose speed
// drifts by a fifth between runs, separate runs make a ratio that drifts
// as much; paired bursts keep it within a few percent. A burst is 128
// spans, so that each side warms the caches for itself. The anchor's own
// speed still moves by about a tenth from one build of the test binary to
// the next (code layout): compare ns/record across builds, and the ratio
// within one. It reports ns per record, ns per OTLP encoding and
// record/otlp.
func BenchmarkPaired(b *testing.B) {
	tr := New(Options{Environment: "bench", Tags: []string{"bench"}, MaxFieldBytes: 256 << 10})
	const burst = 128
	for _, c := range perSpanCases() {
		b.Run("span="+c.name, func(b *testing.B) {
			var (
				m                ptrace.JSONMarshaler
				body             []byte
				recordNs, otlpNs time.Duration
				bursts           int
			)
			for b.Loop() {
				start := time.Now()
				for range burst {
					if _, err := m.MarshalTraces(c.td); err != nil {
						b.Fatal(err)
					}
				}
				mid := time.Now()
				for range burst {
					res := tr.Traces(c.td)
					if len(res.Items) != 1 {
						b.Fatal("not translated")
					}
					body = append(res.Items[0].Record.AppendJSON(body[:0]), '\n')
				}
				otlpNs += mid.Sub(start)
				recordNs += time.Since(mid)
				bursts++
			}
			n := float64(bursts * burst)
			b.ReportMetric(float64(recordNs)/n, "ns/record")
			b.ReportMetric(float64(otlpNs)/n, "ns/otlp")
			b.ReportMetric(float64(recordNs)/float64(otlpNs), "record/otlp")
		})
	}
}

// BenchmarkEncode encodes the record of each per-span benchmark span as the
// exporter did (encoding/json, enc=std) and does (AppendJSON, enc=append).
func BenchmarkEncode(b *testing.B) {
	tr := New(Options{Environment: "bench", Tags: []string{"bench"}, MaxFieldBytes: 256 << 10})
	for _, c := range perSpanCases() {
		rec := tr.Traces(c.td).Items[0].Record
		b.Run("span="+c.name+"/enc=std", func(b *testing.B) {
			var body bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				body.Reset()
				enc := json.NewEncoder(&body)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(&rec); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("span="+c.name+"/enc=append", func(b *testing.B) {
			var body []byte
			b.ReportAllocs()
			for b.Loop() {
				body = append(rec.AppendJSON(body[:0]), '\n')
			}
		})
	}
}

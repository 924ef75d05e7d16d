// Package loadtest drives the end-to-end load test behind `make load` and
// `make load-backpressure`: it generates GenAI chat spans, runs the
// otelcol-athina binary against a local stand-in of Athina's log API (or a
// counting OTLP sink), and measures what arrives and what the collector
// process spent. Everything it starts listens on 127.0.0.1 and is stopped
// before it returns. It is a tool for people, not part of CI.
package loadtest

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// Spans makes GenAI chat spans like an OpenAI chat instrumentation emits
// them: model, usage, conversation id, and the input and output messages as
// JSON strings (about 550 and 250 bytes). Span i always gets the same ids, so
// its record can be found at the API by Ref(i).
type Spans struct {
	run [8]byte // the first half of every trace id, distinct per run
}

// NewSpans returns a generator whose trace ids start with run.
func NewSpans(run uint64) *Spans {
	var s Spans
	binary.BigEndian.PutUint64(s.run[:], run)
	return &s
}

func (s *Spans) traceID(i int) pcommon.TraceID {
	var id pcommon.TraceID
	copy(id[:8], s.run[:])
	binary.BigEndian.PutUint64(id[8:], uint64(i))
	return id
}

func spanID(i int) pcommon.SpanID {
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], uint64(i)+1) // never the invalid all-zero id
	return id
}

// RunID is the run id the generator was made with.
func (s *Spans) RunID() uint64 { return binary.BigEndian.Uint64(s.run[:]) }

// Ref is the external_reference_id of span i's record: <trace_id>-<span_id>.
func (s *Spans) Ref(i int) string {
	t, sp := s.traceID(i), spanID(i)
	return hex.EncodeToString(t[:]) + "-" + hex.EncodeToString(sp[:])
}

// Batch returns spans first … first+n-1 under one resource and scope, as an
// SDK's batch span processor sends them. They end at end.
func (s *Spans) Batch(first, n int, end time.Time) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	res := rs.Resource().Attributes()
	res.PutStr("service.name", "support-chat")
	res.PutStr("service.version", "2.14.0")
	res.PutStr("deployment.environment.name", "loadtest")
	res.PutStr("telemetry.sdk.language", "python")
	res.PutStr("telemetry.sdk.name", "opentelemetry")
	res.PutStr("telemetry.sdk.version", "1.38.0")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("opentelemetry.instrumentation.openai_v2")
	ss.Scope().SetVersion("2.1b0")

	spans := ss.Spans()
	spans.EnsureCapacity(n)
	for i := first; i < first+n; i++ {
		s.chatSpan(spans.AppendEmpty(), i, end)
	}
	return td
}

func (s *Spans) chatSpan(span ptrace.Span, i int, end time.Time) {
	latency := time.Duration(400+i%1200) * time.Millisecond
	span.SetTraceID(s.traceID(i))
	span.SetSpanID(spanID(i))
	span.SetName("chat gpt-4o-mini")
	span.SetKind(ptrace.SpanKindClient)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(end.Add(-latency)))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(end))

	n := strconv.Itoa(i)
	attrs := span.Attributes()
	attrs.EnsureCapacity(16)
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.provider.name", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o-mini")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-lt"+n)
	attrs.PutDouble("gen_ai.request.temperature", 0.3)
	attrs.PutInt("gen_ai.request.max_tokens", 512)
	attrs.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	attrs.PutInt("gen_ai.usage.input_tokens", int64(120+i%80))
	attrs.PutInt("gen_ai.usage.output_tokens", int64(40+i%30))
	attrs.PutStr("gen_ai.conversation.id", "conv-"+strconv.Itoa(i/4))
	attrs.PutStr("server.address", "api.openai.com")
	attrs.PutInt("server.port", 443)
	attrs.PutStr("gen_ai.input.messages", inputMessages(n))
	attrs.PutStr("gen_ai.output.messages", outputMessages(n))
}

func inputMessages(n string) string {
	return `[{"role":"system","parts":[{"type":"text","content":"You are the support assistant of Acme Cloud. ` +
		`Answer briefly and name the help-center article that covers the question."}]},` +
		`{"role":"user","parts":[{"type":"text","content":"Deployment ` + n + ` keeps failing with exit code 137 ` +
		`since the last release. What does that mean?"}]},` +
		`{"role":"assistant","parts":[{"type":"text","content":"Exit code 137 means the container was killed ` +
		`because it used more memory than its limit."}]},` +
		`{"role":"user","parts":[{"type":"text","content":"How do I raise the memory limit of service ` + n + `?"}]}]`
}

func outputMessages(n string) string {
	return `[{"role":"assistant","parts":[{"type":"text","content":"Open Settings, then Resources of service ` + n +
		`, raise the memory limit (for example from 512 MiB to 1 GiB) and redeploy. ` +
		`See the article Out-of-memory kills."}],"finish_reason":"stop"}]`
}

// OTLP encodes td as the body of an OTLP/HTTP protobuf export request.
func OTLP(td ptrace.Traces) ([]byte, error) {
	return ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
}

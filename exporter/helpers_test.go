package athinaexporter

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadatatest"
)

const testAPIKey = "sk-athina-test-5f1c2e9a7b"

func stringReader(s string) io.Reader { return strings.NewReader(s) }

// testExporter is an exporter started against endpoint, with its metrics
// and every log line it writes captured.
type testExporter struct {
	exporter.Traces
	telemetry *componenttest.Telemetry
	logs      *observer.ObservedLogs
}

// newTestExporter creates and starts an exporter without queue and retry,
// so ConsumeTraces returns what the push returned.
func newTestExporter(t *testing.T, endpoint string, mutate func(*config.Config)) *testExporter {
	t.Helper()
	cfg := config.NewDefault()
	cfg.ClientConfig.Endpoint = endpoint
	cfg.ClientConfig.Timeout = 5 * time.Second
	cfg.APIKey = testAPIKey
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	core, logs := observer.New(zapcore.DebugLevel)
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(core)

	exp, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return &testExporter{Traces: exp, telemetry: tel, logs: logs}
}

// testTraceID and testSpanID give span i of a test batch stable ids.
func testTraceID(i int) pcommon.TraceID {
	var id pcommon.TraceID
	binary.BigEndian.PutUint64(id[8:], uint64(i)+1)
	id[0] = 0xab
	return id
}

func testSpanID(i int) pcommon.SpanID {
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], uint64(i)+1)
	return id
}

// externalID is the external_reference_id of span i's record.
func externalID(i int) string {
	tid, sid := testTraceID(i), testSpanID(i)
	return fmt.Sprintf("%x-%x", tid[:], sid[:])
}

// chatTraces returns n chat spans in the current GenAI convention, with
// question i as the user message of span i, plus one HTTP span that is not
// an LLM call.
func chatTraces(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "exporter-test")
	spans := rs.ScopeSpans().AppendEmpty().Spans()

	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for i := range n {
		s := spans.AppendEmpty()
		s.SetName("chat gpt-4o-mini")
		s.SetKind(ptrace.SpanKindClient)
		s.SetTraceID(testTraceID(i))
		s.SetSpanID(testSpanID(i))
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(850 * time.Millisecond)))
		a := s.Attributes()
		a.PutStr("gen_ai.operation.name", "chat")
		a.PutStr("gen_ai.provider.name", "openai")
		a.PutStr("gen_ai.request.model", "gpt-4o-mini")
		a.PutStr("gen_ai.input.messages",
			fmt.Sprintf(`[{"role":"user","parts":[{"type":"text","content":"question %d"}]}]`, i))
		a.PutStr("gen_ai.output.messages",
			fmt.Sprintf(`[{"role":"assistant","parts":[{"type":"text","content":"answer %d"}],"finish_reason":"stop"}]`, i))
		a.PutInt("gen_ai.usage.input_tokens", 12)
		a.PutInt("gen_ai.usage.output_tokens", 5)
	}

	http := spans.AppendEmpty()
	http.SetName("GET /healthz")
	http.SetKind(ptrace.SpanKindServer)
	http.SetTraceID(testTraceID(n))
	http.SetSpanID(testSpanID(n))
	http.Attributes().PutStr("http.request.method", "GET")
	http.Attributes().PutInt("http.response.status_code", 200)
	return td
}

// spanIDs lists the span ids in td, in order.
func spanIDs(td ptrace.Traces) []pcommon.SpanID {
	var ids []pcommon.SpanID
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				ids = append(ids, s.SpanID())
			}
		}
	}
	return ids
}

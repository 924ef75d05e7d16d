package collectortest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// ChatSpans returns n chat spans in the current GenAI convention and the
// external_reference_id each one's record will carry. first numbers the
// spans, so batches built with different first values never share an id.
func ChatSpans(first, n int) (ptrace.Traces, []string) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "collectortest")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	ids := make([]string, 0, n)

	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		var traceID pcommon.TraceID
		traceID[0] = 0xfa
		binary.BigEndian.PutUint64(traceID[8:], uint64(i)+1)
		var spanID pcommon.SpanID
		binary.BigEndian.PutUint64(spanID[:], uint64(i)+1)

		s := spans.AppendEmpty()
		s.SetName("chat gpt-4o-mini")
		s.SetKind(ptrace.SpanKindClient)
		s.SetTraceID(traceID)
		s.SetSpanID(spanID)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(700 * time.Millisecond)))
		a := s.Attributes()
		a.PutStr("gen_ai.operation.name", "chat")
		a.PutStr("gen_ai.provider.name", "openai")
		a.PutStr("gen_ai.request.model", "gpt-4o-mini")
		a.PutStr("gen_ai.input.messages",
			fmt.Sprintf(`[{"role":"user","parts":[{"type":"text","content":"question %d"}]}]`, i))
		a.PutStr("gen_ai.output.messages",
			fmt.Sprintf(`[{"role":"assistant","parts":[{"type":"text","content":"answer %d"}]}]`, i))
		a.PutInt("gen_ai.usage.input_tokens", 9)
		a.PutInt("gen_ai.usage.output_tokens", 4)
		ids = append(ids, traceID.String()+"-"+spanID.String())
	}
	return td, ids
}

// SendChatSpans sends n chat spans to the OTLP/HTTP receiver at addr in
// requests of at most perRequest spans, numbered from first, and returns
// their external_reference_ids. Each request has succeeded when it returns:
// the receiver answers only once the exporter's queue has taken the spans.
func SendChatSpans(t testing.TB, addr string, first, n, perRequest int) []string {
	t.Helper()
	var ids []string
	for done := 0; done < n; done += perRequest {
		td, batch := ChatSpans(first+done, min(perRequest, n-done))
		require.NoError(t, SendTraces(t.Context(), addr, td))
		ids = append(ids, batch...)
	}
	return ids
}

// SendTraces posts td as one OTLP/HTTP protobuf request to the receiver at
// addr (host:port). Keep-alive is off so that no idle connection outlives
// the call (goleak checks every test package).
func SendTraces(ctx context.Context, addr string, td ptrace.Traces) error {
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	url := "http://" + addr + "/v1/traces"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("OTLP receiver answered %d: %s", resp.StatusCode, msg)
	}
	return nil
}

// FreeAddr returns a loopback host:port nothing listens on right now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

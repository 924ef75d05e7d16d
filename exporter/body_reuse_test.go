package athinaexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/config"
)

// TestEarlyAnswerDoesNotShareTheBody: a server (an auth proxy, say) may
// answer before it has read a request's body, and the transport may then
// still be writing the body after RoundTrip returned. A body buffer must
// not be reused for the next record while that write goes on: under -race
// this test fails if it is.
func TestEarlyAnswerDoesNotShareTheBody(t *testing.T) {
	var answered atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		answered.Add(1)
		w.WriteHeader(http.StatusUnauthorized) // without reading the body
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.MaxConcurrency = 1 })

	td := chatTraces(20)
	big := strings.Repeat("a long question ", 8<<10) // 128 KiB: many writes, not one
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := 0; i < spans.Len(); i++ {
		if v, ok := spans.At(i).Attributes().Get("gen_ai.input.messages"); ok {
			v.SetStr(`[{"role":"user","parts":[{"type":"text","content":"` + big + `"}]}]`)
		}
	}
	require.NoError(t, exp.ConsumeTraces(context.Background(), td)) // 401s are dropped, not retried
	require.Equal(t, int64(20), answered.Load())
}

package athinaexporter

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/athina-otel/athinaexporter/exporter/internal/metadatatest"
	"github.com/athina-otel/athinaexporter/internal/standin"
	"github.com/athina-otel/athinaexporter/translate"
)

// TestRetriedRecordKeepsItsTrace fails the captured RAG call once: the
// retry carries its whole trace, so the record that finally arrives has the
// same RAG context and user_query as the golden, and no other record of the
// trace is sent twice.
func TestRetriedRecordKeepsItsTrace(t *testing.T) {
	const ragID = "9e9ba1f79ba80b36d0a597abfd9e556d-c868c9ab2418e1c6"
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "captured", "otel-official.json"))
	require.NoError(t, err)
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(raw)
	require.NoError(t, err)

	api := standin.New(testAPIKey)
	var failed atomic.Bool
	api.SetFault(func(rec map[string]any) standin.Fault {
		if rec["external_reference_id"] == ragID && !failed.Swap(true) {
			return standin.Fault{Status: http.StatusServiceUnavailable}
		}
		return standin.Fault{}
	})
	srv := httptest.NewServer(api)
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, nil)

	err = exp.ConsumeTraces(context.Background(), td)
	var retry consumererror.Traces
	require.True(t, errors.As(err, &retry))
	assert.Equal(t, 3, retry.Data().SpanCount(), "the RAG trace: pipeline, retrieval and the call")
	marked := 0
	for _, rs := range retry.Data().ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if _, ok := span.Attributes().Get(translate.ContextOnly); ok {
					marked++
				}
			}
		}
	}
	assert.Equal(t, 2, marked, "only the failed call is to be sent again")
	require.Len(t, api.Records(), 9)

	require.NoError(t, exp.ConsumeTraces(context.Background(), retry.Data()))
	records := api.Records()
	require.Len(t, records, 10, "the retry sends the failed record and nothing else")
	// The retry's context spans were counted the first time.
	metadatatest.AssertEqualExporterAthinaSpansSkipped(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: int64(td.SpanCount() - 10)}}, metricOpts...)

	golden := goldenRecord(t, ragID)
	got := records[9]
	assert.Equal(t, ragID, got["external_reference_id"])
	assert.Equal(t, golden["context"], got["context"])
	assert.Equal(t, golden["user_query"], got["user_query"])
	assert.NotEmpty(t, got["context"])
}

func goldenRecord(t *testing.T, id string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "translate", "otel-official.golden.json"))
	require.NoError(t, err)
	var records []map[string]any
	require.NoError(t, json.Unmarshal(raw, &records))
	for _, rec := range records {
		if rec["external_reference_id"] == id {
			return rec
		}
	}
	t.Fatalf("no golden record %s", id)
	return nil
}

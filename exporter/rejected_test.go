package athinaexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap/zapcore"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadatatest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestRejectedRecordsAreCountedByReason sends a batch through the retry
// sender in which the API rejects one record with 400, one with 413 and
// answers one 503 once. The 503 record is retried and arrives with the
// rest; the rejected two are tried once, counted by reason and summarised
// in one warning.
func TestRejectedRecordsAreCountedByReason(t *testing.T) {
	api := standin.New(testAPIKey)
	var mu sync.Mutex
	tries := map[string]int{}
	api.SetFault(func(rec map[string]any) standin.Fault {
		id := rec["external_reference_id"].(string)
		mu.Lock()
		defer mu.Unlock()
		tries[id]++
		switch {
		case id == externalID(3):
			return standin.Fault{Status: http.StatusBadRequest}
		case id == externalID(5):
			return standin.Fault{Status: http.StatusRequestEntityTooLarge}
		case id == externalID(7) && tries[id] == 1:
			return standin.Fault{Status: http.StatusServiceUnavailable}
		}
		return standin.Fault{}
	})
	srv := httptest.NewServer(api)
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) {
		c.MaxConcurrency = 4
		c.RetryConfig.Enabled = true
		c.RetryConfig.InitialInterval = 10 * time.Millisecond
		c.RetryConfig.MaxElapsedTime = 10 * time.Second
	})

	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(10)))

	arrived := map[string]int{}
	for _, rec := range api.Records() {
		arrived[rec["external_reference_id"].(string)]++
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range 10 {
		id := externalID(i)
		switch i {
		case 3, 5:
			assert.Equal(t, 1, tries[id], "rejected record %d is not retried", i)
			assert.Zero(t, arrived[id])
		case 7:
			assert.Equal(t, 2, tries[id], "the 503 record is retried")
			assert.Equal(t, 1, arrived[id])
		default:
			assert.Equal(t, 1, tries[id], "record %d is sent once", i)
			assert.Equal(t, 1, arrived[id])
		}
	}

	metadatatest.AssertEqualExporterAthinaRecordsSent(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: 8}}, metricOpts...)
	metadatatest.AssertEqualExporterAthinaRecordsDropped(t, exp.telemetry, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "status_400"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "status_413"))},
	}, metricOpts...)

	warns := exp.logs.FilterLevelExact(zapcore.WarnLevel).All()
	require.Len(t, warns, 1, "one summary line for the batch's rejections")
	fields := warns[0].ContextMap()
	assert.Equal(t, int64(2), fields["dropped_records"])
	assert.Equal(t, int64(1), fields["status_400"])
	assert.Equal(t, int64(1), fields["status_413"])
}

package athinaexporter

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadata"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestShutdownHonoursItsDeadline: with POSTs in flight to an API that
// never answers (default 30 s client timeout, retries on), Shutdown returns
// soon after its context's deadline, not after ten rounds of timeouts.
func TestShutdownHonoursItsDeadline(t *testing.T) {
	api := standin.New(testAPIKey)
	api.SetFault(func(map[string]any) standin.Fault { return standin.Fault{Delay: time.Hour} })
	srv := httptest.NewServer(api)
	defer srv.Close()
	// Not newTestExporter: its cleanup shuts the exporter down again, which
	// the retry sender does not allow.
	cfg := config.NewDefault()
	cfg.ClientConfig.Endpoint = srv.URL
	cfg.APIKey = testAPIKey
	cfg.MaxConcurrency = 2
	cfg.QueueConfig = configoptional.Some(exporterhelper.NewDefaultQueueConfig())
	exp, err := NewFactory().CreateTraces(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(20)))
	require.Eventually(t, func() bool { return api.Requests() == 2 }, 5*time.Second, 10*time.Millisecond,
		"two POSTs in flight")

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	_ = exp.Shutdown(ctx) // what was in flight is dropped: the in-memory queue cannot keep it

	took := time.Since(began)
	assert.Less(t, took, 3*time.Second, "Shutdown waited %s", took)
	assert.Equal(t, 2, api.Requests(), "no new POST started after the deadline")
	assert.Empty(t, api.Records())
}

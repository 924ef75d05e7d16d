package athinaexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadata"
	"github.com/athina-otel/athinaexporter/internal/loadtest"
)

// BenchmarkPushTraces pushes one batch of GenAI chat spans (the load test's
// spans: ~550 B of input messages each) through the exporter into a loopback
// server that reads and discards each record: translation, encoding and one
// POST per record, max_concurrency wide. For a profile:
//
//	go test ./exporter -run '^$' -bench PushTraces -cpuprofile cpu.out
//	go tool pprof -top exporter.test cpu.out
func BenchmarkPushTraces(b *testing.B) {
	for _, bc := range []struct {
		name  string
		spans int
	}{
		{"batch=1024", 1024},
		{"batch=4096", 4096},
	} {
		b.Run(bc.name, func(b *testing.B) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"status":"success","data":{"prompt_run_id":"bench"}}`)
			}))
			defer api.Close()

			cfg := config.NewDefault()
			cfg.ClientConfig.Endpoint = api.URL
			cfg.APIKey = "bench-key"
			cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
			cfg.RetryConfig.Enabled = false
			exp, err := NewFactory().CreateTraces(context.Background(),
				exportertest.NewNopSettings(metadata.Type), cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
				b.Fatal(err)
			}
			defer func() {
				if err := exp.Shutdown(context.Background()); err != nil {
					b.Error(err)
				}
			}()
			td := loadtest.NewSpans(1).Batch(0, bc.spans, time.Now())

			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				// The exporter does not mutate the batch without events
				// to join, so the same batch can be pushed again.
				if err := exp.ConsumeTraces(context.Background(), td); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*bc.spans)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

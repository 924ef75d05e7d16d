package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadata"
)

// NewFactory returns the factory of the athina exporter, for a collector's
// component list (OCB does this from builder-config.yaml).
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	return config.NewDefault()
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c, ok := cfg.(*config.Config)
	if !ok {
		return nil, fmt.Errorf("athina exporter: unexpected config type %T", cfg)
	}
	exp, err := newTracesExporter(c, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg, exp.pushTraces,
		exporterhelper.WithStart(exp.start),
		exporterhelper.WithShutdown(exp.shutdown),
		// Each POST is bounded by the HTTP client's timeout; a timeout around
		// the whole push would cut a large batch's fan-out short.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(c.RetryConfig),
		exporterhelper.WithQueue(c.QueueConfig),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	)
}

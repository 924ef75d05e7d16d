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
		exporter.WithLogs(createLogs, metadata.LogsStability),
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
	inst, err := instanceFor(c, set)
	if err != nil {
		return nil, err
	}
	inst.mu.Lock()
	inst.traces = true
	inst.mu.Unlock()
	traces, err := exporterhelper.NewTraces(ctx, set, cfg, inst.exp.pushTraces,
		exporterhelper.WithStart(inst.start),
		exporterhelper.WithShutdown(inst.shutdown),
		// Each POST is bounded by the HTTP client's timeout; a timeout around
		// the whole push would cut a large batch's fan-out short.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(c.RetryConfig),
		exporterhelper.WithQueue(c.QueueConfig),
		// Joining log events appends them to the spans as span events.
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
	)
	if err != nil {
		return nil, err
	}
	return haltingTraces{Traces: traces, halt: inst.exp.halt}, nil
}

// createLogs makes the logs side of an instance: it takes the GenAI content
// events (gen_ai.user.message, gen_ai.choice, ...) that some instrumentations
// emit as log records instead of putting content on the span, and holds them
// until the traces side sends their span's record.
func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c, ok := cfg.(*config.Config)
	if !ok {
		return nil, fmt.Errorf("athina exporter: unexpected config type %T", cfg)
	}
	inst, err := instanceFor(c, set)
	if err != nil {
		return nil, err
	}
	inst.mu.Lock()
	inst.logs = true
	if inst.exp.events == nil {
		inst.exp.events = newEventStore(c.LogEvents.MaxAge, c.LogEvents.MaxPending)
	}
	inst.mu.Unlock()
	// Holding events is an in-memory map insert: no queue, no retry.
	return exporterhelper.NewLogs(ctx, set, cfg, inst.exp.pushLogs,
		exporterhelper.WithStart(inst.start),
		exporterhelper.WithShutdown(inst.shutdown),
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
	)
}

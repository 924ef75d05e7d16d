// Package collectortest runs a real collector inside a test process: the OTLP
// receiver, the athina exporter and whatever other components a test adds,
// configured from YAML as an SRE would write it. It is test support only and
// is imported only from _test.go files.
package collectortest // import "github.com/athina-otel/athinaexporter/internal/collectortest"

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	athinaexporter "github.com/athina-otel/athinaexporter/exporter"
)

// startTimeout bounds how long a collector may take to reach StateRunning.
const startTimeout = 10 * time.Second

// Collector is a collector running in the test process.
type Collector struct {
	// Logs holds every line the collector and its components logged.
	Logs *observer.ObservedLogs

	col      *otelcol.Collector
	done     chan error
	stopOnce sync.Once
	stopErr  error
}

// Option adds components to the collector beyond the OTLP receiver and the
// athina exporter.
type Option func(*otelcol.Factories) error

// WithExporters adds exporter factories, for example the debug exporter.
func WithExporters(factories ...exporter.Factory) Option {
	return func(f *otelcol.Factories) error {
		for _, factory := range factories {
			f.Exporters[factory.Type()] = factory
		}
		return nil
	}
}

// Start runs a collector configured with cfgYAML until the test ends (or
// Shutdown is called) and captures every log line it writes.
func Start(t testing.TB, cfgYAML string, opts ...Option) *Collector {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	factories := func() (otelcol.Factories, error) {
		f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
		var err error
		if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
			return f, err
		}
		if f.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](athinaexporter.NewFactory()); err != nil {
			return f, err
		}
		for _, opt := range opts {
			if err := opt(&f); err != nil {
				return f, err
			}
		}
		return f, nil
	}
	col, err := otelcol.NewCollector(otelcol.CollectorSettings{
		BuildInfo: component.NewDefaultBuildInfo(),
		Factories: factories,
		// The test stops the collector; a signal handler would outlive it.
		DisableGracefulShutdown: true,
		LoggingOptions: []zap.Option{zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			return zapcore.NewTee(c, core)
		})},
		ConfigProviderSettings: otelcol.ConfigProviderSettings{ResolverSettings: confmap.ResolverSettings{
			URIs:              []string{"yaml:" + cfgYAML},
			ProviderFactories: []confmap.ProviderFactory{yamlprovider.NewFactory()},
		}},
	})
	require.NoError(t, err)

	c := &Collector{Logs: logs, col: col, done: make(chan error, 1)}
	go func() { c.done <- col.Run(context.Background()) }()
	deadline := time.Now().Add(startTimeout)
	for col.GetState() != otelcol.StateRunning {
		select {
		case err := <-c.done:
			t.Fatalf("collector stopped before it ran: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.Shutdown()
			t.Fatalf("collector not running after %s", startTimeout)
		}
	}
	t.Cleanup(func() { require.NoError(t, c.Shutdown()) })
	return c
}

// Shutdown stops the collector as SIGTERM would and returns what Run
// returned. It blocks until every component has shut down; later calls
// return the first result.
func (c *Collector) Shutdown() error {
	c.stopOnce.Do(func() {
		c.col.Shutdown()
		c.stopErr = <-c.done
	})
	return c.stopErr
}

package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"

	"github.com/athina-otel/athinaexporter/config"
)

// An athina exporter listed in a traces and a logs pipeline is one instance:
// the logs side holds content events and the traces side joins them onto
// their spans. The collector creates one component per signal from the same
// config value, so the config pointer identifies the instance.
var instances = struct {
	sync.Mutex
	byConfig map[*config.Config]*shared
}{byConfig: map[*config.Config]*shared{}}

// shared is the state both signals of one exporter instance use. It starts
// with the first signal to start and stops with the last to stop.
type shared struct {
	cfg *config.Config
	exp *tracesExporter

	mu      sync.Mutex
	started int
	closed  bool
	traces  bool // a traces pipeline uses this instance
	logs    bool // a logs pipeline uses this instance
}

// instanceFor returns the instance for cfg, creating it on first use.
func instanceFor(cfg *config.Config, set exporter.Settings) (*shared, error) {
	instances.Lock()
	defer instances.Unlock()
	if inst, ok := instances.byConfig[cfg]; ok {
		return inst, nil
	}
	exp, err := newTracesExporter(cfg, set)
	if err != nil {
		return nil, err
	}
	inst := &shared{cfg: cfg, exp: exp}
	instances.byConfig[cfg] = inst
	return inst, nil
}

func (s *shared) start(ctx context.Context, host component.Host) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started++
	if s.started > 1 {
		return nil
	}
	if s.logs && !s.traces {
		s.exp.logger.Warn("The athina exporter is in a logs pipeline but in no traces pipeline: its log events are joined onto spans, so with no spans they are dropped. Add it to the traces pipeline too.")
	}
	return s.exp.start(ctx, host)
}

func (s *shared) shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started--
	if s.started > 0 || s.closed {
		return nil
	}
	s.closed = true

	instances.Lock()
	delete(instances.byConfig, s.cfg)
	instances.Unlock()
	return s.exp.shutdown(ctx)
}

package config // import "github.com/athina-otel/athinaexporter/config"

import (
	"errors"
	"fmt"
	"time"
)

// LogEventsConfig governs how GenAI content that arrives as OTLP log events
// (gen_ai.user.message, gen_ai.choice, ...) is joined onto the record of the
// span it belongs to. It applies when the exporter is also listed in a logs
// pipeline.
type LogEventsConfig struct {
	// Wait is how long a batch holds the records whose content is still
	// missing, waiting for their events. It bounds how long one batch
	// occupies a queue consumer; 0 sends at once with what has arrived.
	Wait time.Duration `mapstructure:"wait"`

	// MaxAge is how long events wait for their span before they are dropped.
	MaxAge time.Duration `mapstructure:"max_age"`

	// MaxPending caps the events held in memory waiting for their spans;
	// the oldest are dropped first.
	MaxPending int `mapstructure:"max_pending"`

	_ struct{}
}

// maxLogEventsWait keeps a batch from being held so long that the queue
// backs up behind it.
const maxLogEventsWait = time.Minute

// NewDefaultLogEvents returns the log_events defaults.
func NewDefaultLogEvents() LogEventsConfig {
	return LogEventsConfig{Wait: 2 * time.Second, MaxAge: 2 * time.Minute, MaxPending: 100_000}
}

// validate checks the log_events block. It is called from Config.Validate
// rather than being a confmap.Validator, so that every error line names its
// full key (confmap prefixes only the first line of a nested error).
func (c *LogEventsConfig) validate() []error {
	var errs []error
	if c.Wait < 0 || c.Wait > maxLogEventsWait {
		errs = append(errs, fmt.Errorf("log_events.wait: must be between 0s and %s, got %s", maxLogEventsWait, c.Wait))
	}
	if c.MaxAge <= c.Wait {
		errs = append(errs, fmt.Errorf("log_events.max_age: must be longer than log_events.wait (%s), got %s",
			c.Wait, c.MaxAge))
	}
	if c.MaxPending < 1 {
		errs = append(errs, errors.New("log_events.max_pending: must be at least 1"))
	}
	return errs
}

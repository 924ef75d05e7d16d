// Package config holds the YAML configuration of the athina exporter: what an
// SRE writes under `exporters: athina:` and the checks that reject a bad
// config at startup, each naming the key at fault. It does no I/O.
package config // import "github.com/athina-otel/athinaexporter/config"

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/athina-otel/athinaexporter/translate"
)

// Defaults an SRE gets without writing the key.
const (
	DefaultEndpoint       = "https://log.athina.ai"
	DefaultAPIVersion     = "v2"
	DefaultTimeout        = 30 * time.Second
	DefaultMaxConcurrency = 16
	DefaultMaxFieldBytes  = 256 * 1024

	// maxConcurrencyLimit keeps a typo (16000 for 16) from opening thousands
	// of connections to the API from one collector.
	maxConcurrencyLimit = 1024
)

// Config is the athina exporter's configuration.
type Config struct {
	// ClientConfig is the standard HTTP client block (endpoint, timeout, tls,
	// headers, compression, keepalive). It is squashed so the YAML stays flat,
	// as in the core otlp_http exporter.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// APIKey is sent as the athina-api-key header. It is opaque so that it
	// prints as [REDACTED] wherever the config is logged.
	APIKey configopaque.String `mapstructure:"api_key"`

	// APIVersion selects /api/v2/log/inference (v2) or /api/v1/log/inference (v1).
	APIVersion string `mapstructure:"api_version"`

	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// MaxConcurrency bounds the requests one batch has in flight: the API
	// takes one record per request, so a batch fans out.
	MaxConcurrency int `mapstructure:"max_concurrency"`

	// Environment, Tags and PromptSlug are record defaults for this pipeline.
	// Environment and PromptSlug apply when the span names none; Tags are
	// added to every record.
	Environment string   `mapstructure:"environment"`
	Tags        []string `mapstructure:"tags"`
	PromptSlug  string   `mapstructure:"prompt_slug"`

	// MaxFieldBytes caps prompt contents, response and context; longer content
	// is truncated and the truncation flagged in custom_attributes.
	MaxFieldBytes int `mapstructure:"max_field_bytes"`

	// IncludeEmbeddings sends embeddings calls as records too; by default
	// only chat and completion calls are inference logs.
	IncludeEmbeddings bool `mapstructure:"include_embeddings"`

	// HTTPClientTelemetry wraps the HTTP client in otelhttp: a span and
	// http.client.* measurements for every record's POST. Off by default,
	// since the API takes one record per request: that is one span per LLM
	// call in the collector's own traces, metrics the collector drops below
	// level detailed anyway, and about a tenth of the exporter's CPU.
	HTTPClientTelemetry bool `mapstructure:"http_client_telemetry"`

	// LogEvents joins content that arrives as log events onto its span.
	LogEvents LogEventsConfig `mapstructure:"log_events"`

	// Redact drops content fields and custom attributes from every record
	// before it leaves the collector.
	Redact RedactConfig `mapstructure:"redact"`
}

// RedactConfig names what is withheld from records, for deployments where
// prompts and responses may hold personal data. The zero value redacts
// nothing.
type RedactConfig struct {
	// Fields are content fields whose content becomes "[REDACTED]" (the
	// record keeps its shape): see translate.RedactableFields.
	Fields []string `mapstructure:"fields"`
	// CustomAttributes are custom_attributes keys to remove.
	CustomAttributes []string `mapstructure:"custom_attributes"`
}

var _ confmap.Validator = (*Config)(nil)

// NewDefault returns the configuration used for every key the YAML leaves out.
func NewDefault() *Config {
	client := confighttp.NewDefaultClientConfig()
	client.Endpoint = DefaultEndpoint
	client.Timeout = DefaultTimeout

	queue := exporterhelper.NewDefaultQueueConfig()
	batch := exporterhelper.NewDefaultBatchConfig()
	// Most spans in a pipeline are not LLM calls and are dropped cheaply, so
	// a batch is counted in spans; the cap keeps one push's fan-out bounded.
	batch.MinSize = 1024
	batch.MaxSize = 4096
	queue.Batch = configoptional.Some(batch)

	return &Config{
		ClientConfig:   client,
		APIVersion:     DefaultAPIVersion,
		QueueConfig:    configoptional.Some(queue),
		RetryConfig:    configretry.NewDefaultBackOffConfig(),
		MaxConcurrency: DefaultMaxConcurrency,
		MaxFieldBytes:  DefaultMaxFieldBytes,
		LogEvents:      NewDefaultLogEvents(),
	}
}

// Validate checks the keys this exporter owns; confmap.Validate walks the
// nested blocks (client, queue, retry) and calls their own checks.
func (cfg *Config) Validate() error {
	var errs []error
	if err := validateEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(string(cfg.APIKey)) == "" {
		errs = append(errs, errors.New("api_key: must be set (for example api_key: ${env:ATHINA_API_KEY})"))
	}
	if cfg.APIVersion != "v1" && cfg.APIVersion != "v2" {
		errs = append(errs, fmt.Errorf("api_version: must be v1 or v2, got %q", cfg.APIVersion))
	}
	if cfg.MaxConcurrency < 1 || cfg.MaxConcurrency > maxConcurrencyLimit {
		errs = append(errs, fmt.Errorf("max_concurrency: must be between 1 and %d, got %d",
			maxConcurrencyLimit, cfg.MaxConcurrency))
	}
	if cfg.MaxFieldBytes < 0 {
		errs = append(errs, fmt.Errorf("max_field_bytes: must be 0 (no limit) or positive, got %d", cfg.MaxFieldBytes))
	}
	for i, tag := range cfg.Tags {
		if strings.TrimSpace(tag) == "" {
			errs = append(errs, fmt.Errorf("tags[%d]: must not be empty", i))
		}
	}
	errs = append(errs, cfg.LogEvents.validate()...)
	errs = append(errs, cfg.Redact.validate()...)
	return errors.Join(errs...)
}

func (r RedactConfig) validate() []error {
	var errs []error
	for i, f := range r.Fields {
		if !slices.Contains(translate.RedactableFields, f) {
			errs = append(errs, fmt.Errorf("redact.fields[%d]: unknown field %q, must be one of %s",
				i, f, strings.Join(translate.RedactableFields, ", ")))
		}
	}
	for i, key := range r.CustomAttributes {
		if strings.TrimSpace(key) == "" {
			errs = append(errs, fmt.Errorf("redact.custom_attributes[%d]: must not be empty", i))
		}
	}
	return errs
}

func validateEndpoint(endpoint string) error {
	if endpoint == "" {
		return errors.New("endpoint: must be set")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("endpoint: %q is not a valid URL: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("endpoint: %q must start with http:// or https://", endpoint)
	}
	if u.Host == "" {
		return fmt.Errorf("endpoint: %q has no host", endpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("endpoint: %q must not have a query or fragment", endpoint)
	}
	return nil
}

// LogURL is the full URL records are POSTed to, for example
// https://log.athina.ai/api/v2/log/inference. A path in the endpoint is kept,
// so a self-hosted API behind a prefix works.
func (cfg *Config) LogURL() string {
	return strings.TrimRight(cfg.ClientConfig.Endpoint, "/") + "/api/" + cfg.APIVersion + "/log/inference"
}

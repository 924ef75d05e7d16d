package config

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// load reads one exporter block from testdata/config.yaml over the defaults.
func load(t *testing.T, key string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("..", "testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(key)
	require.NoError(t, err)

	cfg := NewDefault()
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestDefaultsOnlyNeedAnAPIKey(t *testing.T) {
	assert.ErrorContains(t, confmap.Validate(NewDefault()), "api_key: must be set")

	cfg, err := load(t, "athina")
	require.NoError(t, err)

	want := NewDefault()
	want.APIKey = "test-key"
	assert.Equal(t, want, cfg)
	assert.Equal(t, "https://log.athina.ai/api/v2/log/inference", cfg.LogURL())
	assert.Equal(t, 30*time.Second, cfg.ClientConfig.Timeout)
	assert.Empty(t, cfg.ClientConfig.Compression, "the API documents no compression")
	assert.True(t, cfg.RetryConfig.Enabled)

	queue := cfg.QueueConfig.Get()
	require.NotNil(t, queue, "sending_queue is on by default")
	require.True(t, queue.Batch.HasValue(), "batching in the exporter is on by default")
	assert.Equal(t, int64(1024), queue.Batch.Get().MinSize)
	assert.Equal(t, int64(4096), queue.Batch.Get().MaxSize)
}

func TestEveryKeySet(t *testing.T) {
	cfg, err := load(t, "athina/custom")
	require.NoError(t, err)

	assert.Equal(t, "https://athina.internal.example.com/prefix/api/v1/log/inference", cfg.LogURL())
	assert.Equal(t, configopaque.String("custom-key"), cfg.APIKey)
	assert.Equal(t, 10*time.Second, cfg.ClientConfig.Timeout)
	assert.Equal(t, configcompression.TypeGzip, cfg.ClientConfig.Compression)
	assert.Equal(t, 32, cfg.MaxConcurrency)
	assert.Equal(t, "staging", cfg.Environment)
	assert.Equal(t, []string{"checkout", "eu-west-1"}, cfg.Tags)
	assert.Equal(t, "support-bot", cfg.PromptSlug)
	assert.Equal(t, 65536, cfg.MaxFieldBytes)
	assert.True(t, cfg.IncludeEmbeddings)
	assert.True(t, cfg.HTTPClientTelemetry)
	assert.Equal(t, LogEventsConfig{Wait: 500 * time.Millisecond, MaxAge: 30 * time.Second, MaxPending: 5000},
		cfg.LogEvents)

	header, ok := cfg.ClientConfig.Headers.Get("x-team")
	require.True(t, ok)
	assert.Equal(t, configopaque.String("llm-platform"), header)

	queue := cfg.QueueConfig.Get()
	require.NotNil(t, queue)
	assert.Equal(t, int64(5000), queue.QueueSize)
	assert.Equal(t, time.Second, queue.Batch.Get().FlushTimeout)
	assert.Equal(t, int64(100), queue.Batch.Get().MinSize)
	assert.Equal(t, int64(500), queue.Batch.Get().MaxSize)

	assert.Equal(t, time.Second, cfg.RetryConfig.InitialInterval)
	assert.Equal(t, 2*time.Minute, cfg.RetryConfig.MaxElapsedTime)
}

func TestQueueCanBeDisabled(t *testing.T) {
	cfg, err := load(t, "athina/no_queue")
	require.NoError(t, err)
	assert.False(t, cfg.QueueConfig.HasValue())
}

func TestInvalidConfigsNameTheKey(t *testing.T) {
	tests := []struct {
		key  string
		want string
	}{
		{"athina/missing_key", "api_key: must be set"},
		{"athina/bad_endpoint", `endpoint: "log.athina.ai" must start with http:// or https://`},
		{"athina/bad_version", `api_version: must be v1 or v2, got "v3"`},
		{"athina/bad_concurrency", "max_concurrency: must be between 1 and 1024, got 0"},
		{"athina/bad_field_bytes", "max_field_bytes: must be 0 (no limit) or positive, got -1"},
		{"athina/empty_tag", "tags[1]: must not be empty"},
		{"athina/bad_queue", "sending_queue: `num_consumers` must be positive"},
		{"athina/unknown_key", "api_keys"},
		{"athina/bad_log_events", "log_events.wait: must be between 0s and 1m0s, got 2m0s"},
		{"athina/bad_log_events", "log_events.max_age: must be longer than log_events.wait (2m0s), got 1m0s"},
		{"athina/bad_log_events", "log_events.max_pending: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := load(t, tt.key)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestAPIKeyIsRedactedWhenPrinted(t *testing.T) {
	cfg, err := load(t, "athina/custom")
	require.NoError(t, err)

	printed := confmap.New()
	require.NoError(t, printed.Marshal(cfg))
	assert.Equal(t, "[REDACTED]", printed.Get("api_key"))
	assert.NotContains(t, fmt.Sprint(printed.ToStringMap()), "custom-key")
	assert.NotContains(t, fmt.Sprintf("%+v", cfg), "custom-key")
}

func TestEndpointValidation(t *testing.T) {
	tests := []struct {
		endpoint string
		ok       bool
	}{
		{"https://log.athina.ai", true},
		{"http://127.0.0.1:18080", true},
		{"https://athina.example.com/base/", true},
		{"", false},
		{"ftp://log.athina.ai", false},
		{"https://", false},
		{"https://log.athina.ai?x=1", false},
		{"https://log.athina.ai/\x7f", false},
	}
	for _, tt := range tests {
		err := validateEndpoint(tt.endpoint)
		if tt.ok {
			assert.NoError(t, err, tt.endpoint)
		} else {
			assert.ErrorContains(t, err, "endpoint:", tt.endpoint)
		}
	}
}

func TestLogURLTrimsTrailingSlash(t *testing.T) {
	cfg := NewDefault()
	cfg.ClientConfig.Endpoint = "http://127.0.0.1:18080/"
	assert.Equal(t, "http://127.0.0.1:18080/api/v2/log/inference", cfg.LogURL())
}

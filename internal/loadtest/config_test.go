package loadtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/athina-otel/athinaexporter/config"
	athinaexporter "github.com/athina-otel/athinaexporter/exporter"
)

func testPipeline(exporter string) Pipeline {
	return Pipeline{
		OTLPEndpoint: "127.0.0.1:4318", Exporter: exporter, Endpoint: "http://127.0.0.1:8080",
		MemoryLimitMiB: 320, SpikeLimitMiB: 80,
		QueueSizer: "items", QueueSize: 20000, NumConsumers: 10,
		BatchMinSize: 1024, BatchMaxSize: 4096, FlushTimeout: 200 * time.Millisecond,
		MaxConcurrency: 16, RetryInitial: 5 * time.Second, RetryMax: 30 * time.Second,
	}
}

func render(t *testing.T, p Pipeline) *confmap.Conf {
	t.Helper()
	b, err := p.YAML()
	require.NoError(t, err)
	retrieved, err := confmap.NewRetrievedFromYAML(b)
	require.NoError(t, err)
	conf, err := retrieved.AsConf()
	require.NoError(t, err)
	return conf
}

// TestAthinaPipelineIsAValidExporterConfig unmarshals the rendered exporter
// block into the exporter's own config and validates it, so a typo in the
// template fails here and not after a minute of load.
func TestAthinaPipelineIsAValidExporterConfig(t *testing.T) {
	p := testPipeline("athina")
	p.IdleConns = 64
	conf := render(t, p)
	exp, err := conf.Sub("exporters::athina")
	require.NoError(t, err)

	cfg := athinaexporter.NewFactory().CreateDefaultConfig().(*config.Config)
	require.NoError(t, exp.Unmarshal(cfg))

	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, "http://127.0.0.1:8080", cfg.ClientConfig.Endpoint)
	assert.Equal(t, 16, cfg.MaxConcurrency)
	assert.Equal(t, 64, cfg.ClientConfig.Keepalive.Get().MaxIdleConnsPerHost)
	q := cfg.QueueConfig.Get()
	require.NotNil(t, q)
	assert.Equal(t, int64(20000), q.QueueSize)
	assert.Equal(t, 10, q.NumConsumers)
	assert.Equal(t, int64(4096), q.Batch.Get().MaxSize)
	assert.Equal(t, 160, p.InFlight())
}

func TestOTLPHTTPPipeline(t *testing.T) {
	conf := render(t, testPipeline("otlp_http"))

	assert.Equal(t, "json", conf.Get("exporters::otlp_http::encoding"))
	assert.Equal(t, "none", conf.Get("exporters::otlp_http::compression"))
	assert.Nil(t, conf.Get("exporters::otlp_http::api_key"))
	assert.Equal(t, []any{"otlp_http"}, conf.Get("service::pipelines::traces::exporters"))
	assert.Equal(t, "none", conf.Get("service::telemetry::metrics::level"))
	assert.Equal(t, "127.0.0.1:4318", conf.Get("receivers::otlp::protocols::http::endpoint"))
}

// TestCPUProfileAddsThePprofExtension: -profile adds the pprof extension
// writing to the given file, and only then.
func TestCPUProfileAddsThePprofExtension(t *testing.T) {
	conf := render(t, testPipeline("athina"))
	assert.Nil(t, conf.Get("extensions"))
	assert.Nil(t, conf.Get("service::extensions"))

	p := testPipeline("athina")
	p.CPUProfile, p.PprofEndpoint = "/tmp/out/load-athina.cpu.pprof", "127.0.0.1:1777"
	conf = render(t, p)
	assert.Equal(t, "/tmp/out/load-athina.cpu.pprof", conf.Get("extensions::pprof::save_to_file"))
	assert.Equal(t, "127.0.0.1:1777", conf.Get("extensions::pprof::endpoint"))
	assert.Equal(t, []any{"pprof"}, conf.Get("service::extensions"))
}

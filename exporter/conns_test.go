package athinaexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/athina-otel/athinaexporter/config"
)

func TestSizeIdlePool(t *testing.T) {
	tests := []struct {
		name         string
		mutate       func(*config.Config)
		keepalive    confighttp.KeepaliveClientConfig
		perHost, all int
	}{
		{
			name:      "defaults: 10 consumers × 16 requests",
			keepalive: confighttp.NewDefaultKeepaliveClientConfig(),
			perHost:   160, all: 160,
		},
		{
			name:      "no queue: one batch at a time",
			mutate:    func(c *config.Config) { c.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]() },
			keepalive: confighttp.NewDefaultKeepaliveClientConfig(),
			perHost:   16, all: 100,
		},
		{
			name:      "overall cap above the pool is kept",
			mutate:    func(c *config.Config) { c.MaxConcurrency = 4 },
			keepalive: confighttp.KeepaliveClientConfig{MaxIdleConns: 500},
			perHost:   40, all: 500,
		},
		{
			name:      "no overall cap stays none",
			keepalive: confighttp.KeepaliveClientConfig{},
			perHost:   160, all: 0,
		},
		{
			name:      "per-host setting is the user's",
			keepalive: confighttp.KeepaliveClientConfig{MaxIdleConns: 100, MaxIdleConnsPerHost: 8},
			perHost:   8, all: 100,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.NewDefault()
			if tt.mutate != nil {
				tt.mutate(cfg)
			}
			ka := tt.keepalive

			sizeIdlePool(&ka, cfg)

			assert.Equal(t, tt.perHost, ka.MaxIdleConnsPerHost)
			assert.Equal(t, tt.all, ka.MaxIdleConns)
		})
	}
}

package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"go.opentelemetry.io/collector/config/confighttp"

	"github.com/athina-otel/athinaexporter/config"
)

// sizeIdlePool keeps one idle keep-alive connection for every request the
// exporter can have in flight, unless keepalive.max_idle_conns_per_host is
// set. Go keeps 2 per host by default (and confighttp 100 in all): past
// that, each request beyond the pool opens a fresh connection (and TLS
// handshake) and leaves a closed one in TIME_WAIT. With the queue on, up to
// num_consumers batches are sent at once, each max_concurrency wide.
func sizeIdlePool(ka *confighttp.KeepaliveClientConfig, cfg *config.Config) {
	if ka.MaxIdleConnsPerHost != 0 {
		return
	}
	inFlight := cfg.MaxConcurrency
	if q := cfg.QueueConfig.Get(); q != nil && q.NumConsumers > 1 {
		inFlight *= q.NumConsumers
	}
	ka.MaxIdleConnsPerHost = inFlight
	// The exporter talks to one host, so the overall cap (0: none) must not
	// undercut the per-host one.
	if ka.MaxIdleConns != 0 && ka.MaxIdleConns < inFlight {
		ka.MaxIdleConns = inFlight
	}
}

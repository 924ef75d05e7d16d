package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestCollectorShutdownWithHungAPI stops the collector while 200 records
// wait on an API that never answers. The collector gives its components no
// shutdown deadline, so the exporter's own bound applies: the first POST
// that times out (timeout: 1s) ends the wait for all of them, instead of
// one timeout per max_concurrency records (13 s here).
func TestCollectorShutdownWithHungAPI(t *testing.T) {
	r := startFaultRun(t, time.Second, 16, true)
	r.api.SetFault(func(map[string]any) standin.Fault { return standin.Fault{Delay: time.Hour} })
	r.send(t, 0, 200)
	require.Eventually(t, func() bool { return r.api.Requests() >= 16 }, 5*time.Second, 10*time.Millisecond,
		"POSTs in flight")

	began := time.Now()
	require.NoError(t, r.col.Shutdown())

	took := time.Since(began)
	t.Logf("shutdown with 200 records on a hung API took %s", took.Round(time.Millisecond))
	assert.Less(t, took, 4*time.Second)
}

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// restartConfig runs the exporter with its queue in the file_storage
// extension when storage is set (%[3]s), in memory otherwise.
const restartConfig = `
extensions:
  file_storage/x:
    directory: %[4]s
receivers:
  otlp:
    protocols:
      http:
        endpoint: %[1]s
exporters:
  athina:
    endpoint: %[2]s
    api_key: ${env:ATHINA_E2E_API_KEY}
    timeout: 2s
    max_concurrency: 4
    sending_queue:
      %[3]s
      batch:
        flush_timeout: 100ms
    retry_on_failure:
      initial_interval: 100ms
      max_interval: 500ms
      max_elapsed_time: 5m
service:
  extensions: [file_storage/x]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [athina]
`

const restartSpans = 1000

// binaryRun is the collector binary with one config, started as often as a
// test needs.
type binaryRun struct {
	bin, cfg, otlp string
}

func newBinaryRun(t *testing.T, a *api, persistent bool) *binaryRun {
	t.Helper()
	bin := collectorBinary(t)
	dir := t.TempDir()
	storage := ""
	if persistent {
		storage = "storage: file_storage/x"
	}
	r := &binaryRun{bin: bin, cfg: filepath.Join(dir, "config.yaml"), otlp: collectortest.FreeAddr(t)}
	cfg := fmt.Sprintf(restartConfig, r.otlp, a.URL(), storage, dir)
	require.NoError(t, os.WriteFile(r.cfg, []byte(cfg), 0o600))
	return r
}

func (r *binaryRun) start(t *testing.T) *collector {
	return startCollector(t, r.bin, r.cfg, "ATHINA_E2E_API_KEY="+apiKey)
}

// TestKill9KeepsQueuedRecords: with the queue in file_storage and the API
// down, 1,000 spans are taken, the collector is killed with SIGKILL while it
// retries, and started again with the API up: every record arrives.
func TestKill9KeepsQueuedRecords(t *testing.T) {
	a := newAPI(t) // not listening: connection refused
	r := newBinaryRun(t, a, true)
	col := r.start(t)
	began := time.Now()

	// The receiver answers each request once the persistent queue has
	// written its spans to disk.
	sent := collectortest.SendChatSpans(t, r.otlp, 0, restartSpans, 100)
	waitForOutput(t, col, "Exporting failed. Will retry", 10*time.Second)
	col.kill()
	require.Empty(t, a.References())

	a.up(t)
	col = r.start(t)
	d := awaitDelivery(t, a, sent, 60*time.Second)
	col.stop(t)

	logMatrixRow(t, "kill -9 with 1,000 queued, restart", d, time.Since(began))
	assert.Zero(t, d.lost, "records lost")
	assert.Contains(t, col.output(), "Moved items for dispatching back to queue",
		"the restarted collector resumed the items it had in flight")
}

// TestSIGTERMDrainsMemoryQueue: SIGTERM with the API up (and answering each
// record after 10 ms, so a backlog is queued) sends everything queued
// before the process exits.
func TestSIGTERMDrainsMemoryQueue(t *testing.T) {
	a := newAPI(t)
	a.SetFault(func(map[string]any) standin.Fault { return standin.Fault{Delay: 10 * time.Millisecond} })
	a.up(t)
	r := newBinaryRun(t, a, false)
	col := r.start(t)
	began := time.Now()

	sent := collectortest.SendChatSpans(t, r.otlp, 0, restartSpans, 100)
	queued := len(a.References())
	col.stop(t)

	d := tally(sent, a.References())
	logMatrixRow(t, fmt.Sprintf("SIGTERM, memory queue, %d queued", restartSpans-queued), d, time.Since(began))
	assert.Zero(t, d.lost, "records lost: a graceful stop drains the in-memory queue")
	assert.Less(t, queued, restartSpans, "a backlog was queued at SIGTERM")
}

// TestSIGTERMKeepsPersistentQueue: with the queue in file_storage, SIGTERM
// stops reading it; what was not sent before the exit stays on disk and
// is sent after the restart. Nothing is lost either way.
func TestSIGTERMKeepsPersistentQueue(t *testing.T) {
	a := newAPI(t)
	a.SetFault(func(map[string]any) standin.Fault { return standin.Fault{Delay: 10 * time.Millisecond} })
	a.up(t)
	r := newBinaryRun(t, a, true)
	col := r.start(t)
	began := time.Now()

	sent := collectortest.SendChatSpans(t, r.otlp, 0, restartSpans, 100)
	col.stop(t)
	beforeExit := tally(sent, a.References()).arrived

	col = r.start(t)
	d := awaitDelivery(t, a, sent, 60*time.Second)
	col.stop(t)

	logMatrixRow(t, fmt.Sprintf("SIGTERM, file queue, %d sent before exit", beforeExit), d, time.Since(began))
	assert.Zero(t, d.lost, "records lost")
}

// TestSIGTERMWithHungAPIKeepsRecords: SIGTERM while the API takes the
// records but never answers. The collector exits about one client timeout
// (2 s) later instead of waiting out every record's timeout; the records
// stay in file_storage and arrive after the restart.
func TestSIGTERMWithHungAPIKeepsRecords(t *testing.T) {
	a := newAPI(t)
	a.SetFault(func(map[string]any) standin.Fault { return standin.Fault{Delay: time.Hour} })
	a.up(t)
	r := newBinaryRun(t, a, true)
	col := r.start(t)
	began := time.Now()

	sent := collectortest.SendChatSpans(t, r.otlp, 0, restartSpans, 100)
	require.Eventually(t, func() bool { return a.Requests() >= 4 }, 10*time.Second, 10*time.Millisecond,
		"POSTs in flight")
	stopping := time.Now()
	col.stop(t)
	stopTook := time.Since(stopping)

	a.SetFault(nil)
	col = r.start(t)
	d := awaitDelivery(t, a, sent, 60*time.Second)
	col.stop(t)

	logMatrixRow(t, fmt.Sprintf("SIGTERM, API hung, exit in %.1fs, restart", stopTook.Seconds()), d, time.Since(began))
	assert.Less(t, stopTook, 6*time.Second, "the exit waited for more than one timeout")
	assert.Zero(t, d.lost, "records lost")
}

// waitForOutput waits at most timeout for text in the collector's output.
func waitForOutput(t *testing.T, c *collector, text string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(c.output(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the collector's output after %s:\n%s", text, timeout, c.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

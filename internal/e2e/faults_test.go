package e2e

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// Every fault test runs a collector in this process (OTLP receiver → athina
// exporter with its queue and short retry intervals) against the stand-in,
// sends chat spans over OTLP and counts by external_reference_id what
// arrives. Each logs one "fault matrix" line.

// faultConfig is the collector config of the fault tests: retries start
// after 50 ms and back off to at most 500 ms, so a test spends its time in
// the faults, not in backoff; a minute of retries outlasts every fault.
const faultConfig = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
exporters:
  athina:
    endpoint: %s
    api_key: %s
    timeout: %s
    max_concurrency: %d
    sending_queue:
      batch:
        flush_timeout: 50ms
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 500ms
      max_elapsed_time: 60s
service:
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [athina]
`

// faultRun is one collector and its API for one fault test.
type faultRun struct {
	api  *api
	otlp string // the receiver's host:port
	col  *collectortest.Collector
}

// startFaultRun starts the API (unless down) and a collector that sends to
// it with the given client timeout and concurrency.
func startFaultRun(t *testing.T, timeout time.Duration, concurrency int, apiUp bool) *faultRun {
	t.Helper()
	r := &faultRun{api: newAPI(t), otlp: collectortest.FreeAddr(t)}
	if apiUp {
		r.api.up(t)
	}
	r.col = collectortest.Start(t, fmt.Sprintf(faultConfig, r.otlp, r.api.URL(), apiKey, timeout, concurrency))
	return r
}

// send sends n chat spans, numbered from first, in OTLP requests of 100.
func (r *faultRun) send(t *testing.T, first, n int) []string {
	return collectortest.SendChatSpans(t, r.otlp, first, n, 100)
}

// finish waits for delivery, logs the matrix row and checks nothing was
// lost, and that the collector never gave up on a record.
func (r *faultRun) finish(t *testing.T, scenario string, sent []string, began time.Time) delivery {
	t.Helper()
	d := awaitDelivery(t, r.api, sent, 60*time.Second)
	logMatrixRow(t, scenario, d, time.Since(began))
	assert.Zero(t, d.lost, "records lost")
	assert.Zero(t, d.unexpected, "records nobody sent")
	for _, e := range r.col.Logs.All() {
		assert.NotContains(t, e.Message, "Dropping data", "the exporter gave up on a batch: %v", e.ContextMap())
	}
	return d
}

// firstRequests answers the first n record requests with fault and lets
// the rest through.
func firstRequests(n int, fault standin.Fault) func(map[string]any) standin.Fault {
	var mu sync.Mutex
	seen := 0
	return func(map[string]any) standin.Fault {
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen <= n {
			return fault
		}
		return standin.Fault{}
	}
}

// byAttempt calls decide with the record's id and how many times it has
// been sent, counting from 1.
func byAttempt(decide func(id string, attempt int) standin.Fault) func(map[string]any) standin.Fault {
	var mu sync.Mutex
	attempts := map[string]int{}
	return func(rec map[string]any) standin.Fault {
		id, _ := rec["external_reference_id"].(string)
		mu.Lock()
		attempts[id]++
		n := attempts[id]
		mu.Unlock()
		return decide(id, n)
	}
}

func TestFaultFirstRequests503(t *testing.T) {
	r := startFaultRun(t, 2*time.Second, 16, true)
	r.api.SetFault(firstRequests(150, standin.Fault{Status: http.StatusServiceUnavailable}))
	began := time.Now()

	sent := r.send(t, 0, 200)

	r.finish(t, "first 150 requests 503", sent, began)
	assert.Equal(t, 150, r.api.StatusCounts()[http.StatusServiceUnavailable])
}

func TestFault429RetryAfter(t *testing.T) {
	r := startFaultRun(t, 2*time.Second, 16, true)
	r.api.SetFault(firstRequests(100, standin.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}))
	began := time.Now()

	sent := r.send(t, 0, 200)

	r.finish(t, "first 100 requests 429, Retry-After 1", sent, began)
	assert.GreaterOrEqual(t, time.Since(began), time.Second, "the retry waited for Retry-After")
}

func TestFaultFirstRequests500(t *testing.T) {
	r := startFaultRun(t, 2*time.Second, 16, true)
	r.api.SetFault(firstRequests(150, standin.Fault{Status: http.StatusInternalServerError}))
	began := time.Now()

	sent := r.send(t, 0, 200)

	r.finish(t, "first 150 requests 500", sent, began)
}

// TestFaultSlowerThanTimeout answers every record's first try after 1 s,
// twice the client timeout. Half the records the API drops when the client
// gives up; the other half it has stored before it answers, so their retry
// arrives as a duplicate.
func TestFaultSlowerThanTimeout(t *testing.T) {
	r := startFaultRun(t, 500*time.Millisecond, 32, true)
	var mu sync.Mutex
	n := 0
	r.api.SetFault(byAttempt(func(_ string, attempt int) standin.Fault {
		if attempt > 1 {
			return standin.Fault{}
		}
		mu.Lock()
		defer mu.Unlock()
		if n++; n%2 == 0 {
			return storedButLate()
		}
		return standin.Fault{Delay: time.Second}
	}))
	began := time.Now()

	sent := r.send(t, 0, 64)

	d := r.finish(t, "first try 1s late, timeout 500ms", sent, began)
	assert.Equal(t, 32, d.duplicates, "the records stored before the late answer arrive twice")
}

// TestFaultAPIDown takes the API down (connection refused) for 10 s and
// brings it back on the same port; what was sent meanwhile arrives.
func TestFaultAPIDown(t *testing.T) {
	r := startFaultRun(t, 2*time.Second, 16, true)
	began := time.Now()
	sent := r.send(t, 0, 100)
	require.Zero(t, awaitDelivery(t, r.api, sent, 10*time.Second).lost)

	r.api.down()
	sent = append(sent, r.send(t, 100, 100)...)
	time.Sleep(10 * time.Second)
	assert.Len(t, r.api.References(), 100, "nothing arrives while the API is down")
	r.api.up(t)

	r.finish(t, "API down 10s (refused), then up", sent, began)
}

// TestFaultMixUnderLoad sends 2,000 spans while the API answers each try
// with 503, 429, 500, a late answer or success, picked from a hash of a
// fixed seed, the record and the try, so a run is reproducible whatever
// the request order. Records succeed at the latest on their fourth try.
func TestFaultMixUnderLoad(t *testing.T) {
	const seed = 20261203
	r := startFaultRun(t, 500*time.Millisecond, 64, true)
	var mu sync.Mutex
	faults := map[string]int{}
	r.api.SetFault(byAttempt(func(id string, attempt int) standin.Fault {
		f, kind := mixFault(seed, id, attempt)
		mu.Lock()
		faults[kind]++
		mu.Unlock()
		return f
	}))
	began := time.Now()

	sent := r.send(t, 0, 2000)

	r.finish(t, "2,000 spans, seeded mix", sent, began)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("faults answered: %v", faults)
}

// mixFault picks the answer to one try: about 15 % each 503 and 500, 10 %
// 429 with Retry-After 1, 5 % slower than the timeout (not stored), 3 %
// stored but answered too late, the rest success.
func mixFault(seed int, id string, attempt int) (standin.Fault, string) {
	if attempt > 3 {
		return standin.Fault{}, "ok"
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s/%d", seed, id, attempt)
	switch roll := h.Sum32() % 100; {
	case roll < 15:
		return standin.Fault{Status: http.StatusServiceUnavailable}, "503"
	case roll < 30:
		return standin.Fault{Status: http.StatusInternalServerError}, "500"
	case roll < 40:
		return standin.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}, "429"
	case roll < 45:
		return standin.Fault{Delay: time.Second}, "slow"
	case roll < 48:
		return storedButLate(), "stored, late"
	default:
		return standin.Fault{}, "ok"
	}
}

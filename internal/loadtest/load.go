package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// LoadOptions configure `make load`.
type LoadOptions struct {
	Bin        string        // the otelcol-athina binary
	OutDir     string        // where collector configs and logs go
	Spans      int           // GenAI chat spans sent per run
	BatchSpans int           // spans per OTLP export request
	Senders    int           // OTLP export requests in flight
	Pipeline   Pipeline      // queue, batch, memory_limiter and concurrency settings; endpoints are filled in
	Timeout    time.Duration // the longest one run may take
	Profile    bool          // write each collector run's CPU profile to OutDir/load-<exporter>.cpu.pprof
	TLS        bool          // serve the stand-in and the sink over HTTPS (HTTP/2 by ALPN), as the real API is
	Progress   io.Writer

	cert *TLSCert // with TLS: the stand-in's and the sink's certificate
}

// Run is what one run measured.
type Run struct {
	Name       string
	Sent       int // spans or records offered
	Delivered  int // distinct records (or spans) that arrived
	Duplicates int // arrivals beyond the first of a record
	Lost       int // offered but never arrived
	Refusals   int // span refusals the generator saw from the receiver (then resent)
	Wall       time.Duration
	// CollectorCPU and PeakRSS are the collector process's (zero for the
	// plain client), ClientCPU the plain client process's while posting;
	// SelfCPU is this process's: generator and stand-in or sink.
	CollectorCPU time.Duration
	PeakRSS      int64
	ClientCPU    time.Duration
	SelfCPU      time.Duration
	Protocol     string // the HTTP version the stand-in or the sink was spoken to in
	Err          error
}

// PerSecond is the delivery rate.
func (r Run) PerSecond() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Delivered) / r.Wall.Seconds()
}

// CPUPer1k is collector CPU seconds per 1,000 delivered records or spans.
func (r Run) CPUPer1k() float64 { return per1k(r.CollectorCPU, r.Delivered) }

// ClientCPUPer1k is the plain client's CPU seconds per 1,000 delivered
// records.
func (r Run) ClientCPUPer1k() float64 { return per1k(r.ClientCPU, r.Delivered) }

func per1k(cpu time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return cpu.Seconds() * 1000 / float64(n)
}

// LoadResults are the three runs of `make load`.
type LoadResults struct {
	Limit, Athina, OTLPHTTP Run
	InFlight                int // concurrency of the athina exporter and of the plain client
	RecordBytes             int // mean record body size
	SpanBytes               int // mean OTLP protobuf bytes per span
}

// RunLoad measures, one after the other: the stand-in's capacity with a
// plain HTTP client, the collector with the athina exporter, and the
// collector with the otlphttp exporter into a sink.
func RunLoad(ctx context.Context, o LoadOptions) (LoadResults, error) {
	var res LoadResults
	res.InFlight = o.Pipeline.InFlight()
	spans := NewSpans(uint64(time.Now().UnixNano()))
	if o.TLS {
		cert, err := NewTLSCert(filepath.Join(o.OutDir, "standin-ca.pem"))
		if err != nil {
			return res, fmt.Errorf("making the stand-in's certificate: %w", err)
		}
		o.cert = cert
	}

	o.logf("building %d spans in OTLP requests of %d", o.Spans, o.BatchSpans)
	requests, spanBytes, err := buildRequests(spans, o.Spans, o.BatchSpans)
	if err != nil {
		return res, err
	}
	res.SpanBytes = spanBytes / o.Spans

	// The plain client's process builds the same bodies itself; these
	// are built only for their size.
	end := time.Now()
	bodies, err := buildBodies(spans, o.Spans, o.BatchSpans, end)
	if err != nil {
		return res, err
	}
	for _, b := range bodies {
		res.RecordBytes += len(b)
	}
	res.RecordBytes /= max(len(bodies), 1)
	bodies = nil
	runtime.GC()
	o.logf("plain client (a process of its own): %d records, %d in flight, into the stand-in", o.Spans, res.InFlight)
	res.Limit = o.plainClient(ctx, spans, end, res.InFlight)

	o.logf("collector with the athina exporter")
	res.Athina = o.collectorRun(ctx, spans, requests, "athina")
	runtime.GC()
	o.logf("collector with the otlphttp exporter (json, no compression)")
	res.OTLPHTTP = o.collectorRun(ctx, spans, requests, "otlp_http")
	return res, nil
}

func (o LoadOptions) logf(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "loadtest: "+format+"\n", args...)
	}
}

// request is one OTLP export request of the load.
type request struct {
	body  []byte
	spans int
}

func buildRequests(spans *Spans, total, per int) (reqs []request, size int, err error) {
	now := time.Now()
	for first := 0; first < total; first += per {
		n := min(per, total-first)
		body, err := OTLP(spans.Batch(first, n, now))
		if err != nil {
			return nil, 0, err
		}
		reqs = append(reqs, request{body: body, spans: n})
		size += len(body)
	}
	return reqs, size, nil
}

func buildBodies(spans *Spans, total, per int, now time.Time) ([][]byte, error) {
	bodies := make([][]byte, 0, total)
	for first := 0; first < total; first += per {
		b, err := RecordBodies(spans.Batch(first, min(per, total-first), now))
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, b...)
	}
	if len(bodies) != total {
		return nil, fmt.Errorf("translated %d spans into %d records, not one each", total, len(bodies))
	}
	return bodies, nil
}

// collectorRun sends the requests through the collector to the stand-in
// (exporter athina) or to a sink (otlp_http) and waits until all arrived.
func (o LoadOptions) collectorRun(ctx context.Context, spans *Spans, requests []request, exporter string) (run Run) {
	run = Run{Name: "collector, athina exporter → stand-in", Sent: o.Spans}
	var api *standin.Server
	var sink *Sink
	var handler http.Handler
	if exporter == "athina" {
		api = standin.New(APIKey, standin.CountOnly())
		handler = api
	} else {
		run.Name = "collector, otlphttp exporter (json) → sink"
		sink = &Sink{}
		handler = sink
	}
	proto := &protocolSeen{handler: handler}
	srv, err := NewServer(proto, o.cert)
	if err != nil {
		run.Err = err
		return run
	}
	defer srv.Close()
	defer func() { run.Protocol = proto.String() }() // run is the named result

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	col, otlpEndpoint, err := o.startCollector(ctx, exporter, srv.URL())
	if err != nil {
		run.Err = err
		return run
	}
	defer col.Stop(20 * time.Second)

	client := NewOTLPClient(otlpEndpoint, o.Senders)
	defer client.Close()
	col0, err := col.Stats()
	if err != nil {
		run.Err = err
		return run
	}
	self0, _ := ReadProcStats("self")
	start := time.Now()
	sendAll(ctx, client, requests, o.Senders)

	var end time.Time
	if api != nil {
		_, err = api.WaitForAccepted(ctx, o.Spans)
		end = time.Now()
	} else {
		end, err = waitFor(ctx, o.Spans, sink.Spans)
	}
	col1, statErr := col.Stats()
	self1, _ := ReadProcStats("self")
	run.Wall = end.Sub(start)
	run.CollectorCPU = col1.CPU - col0.CPU
	run.PeakRSS = col1.HWM
	run.SelfCPU = self1.CPU - self0.CPU
	_, run.Refusals, _ = client.Counts()

	// A record sent twice would arrive about now; then the collector stops
	// and drains whatever it still holds.
	time.Sleep(time.Second)
	stopErr := col.Stop(20 * time.Second)
	if api != nil {
		o.count(&run, spans, api.References())
	} else {
		run.Delivered = min(sink.Spans(), o.Spans)
		run.Duplicates = max(sink.Spans()-o.Spans, 0)
		run.Lost = o.Spans - run.Delivered
	}
	run.Err = errors.Join(err, statErr, stopErr)
	return run
}

func (o LoadOptions) startCollector(ctx context.Context, exporter, endpoint string) (*Collector, string, error) {
	otlpEndpoint, err := freeEndpoint()
	if err != nil {
		return nil, "", err
	}
	p := o.Pipeline
	p.OTLPEndpoint, p.Exporter, p.Endpoint = otlpEndpoint, exporter, endpoint
	if o.cert != nil {
		p.CAFile = o.cert.CAFile
	}
	if o.Profile {
		if p.PprofEndpoint, err = freeEndpoint(); err != nil {
			return nil, "", err
		}
		if p.CPUProfile, err = filepath.Abs(filepath.Join(o.OutDir, "load-"+exporter+".cpu.pprof")); err != nil {
			return nil, "", err
		}
	}
	cfgPath := filepath.Join(o.OutDir, "load-"+exporter+".yaml")
	if err := p.Write(cfgPath); err != nil {
		return nil, "", err
	}
	col, err := StartCollector(ctx, o.Bin, cfgPath, filepath.Join(o.OutDir, "load-"+exporter+".log"),
		APIKeyEnv+"="+APIKey)
	return col, otlpEndpoint, err
}

// sendAll sends every request with senders in flight, each until the
// receiver accepts it or ctx is done.
func sendAll(ctx context.Context, client *OTLPClient, requests []request, senders int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(requests) || ctx.Err() != nil {
					return
				}
				client.SendUntilAccepted(ctx, requests[i].body, requests[i].spans)
			}
		})
	}
	wg.Wait()
}

// count fills Delivered, Duplicates and Lost from the stand-in's counts by
// external_reference_id: records of spans 0 … Sent-1 are expected once each.
func (o LoadOptions) count(run *Run, spans *Spans, refs map[string]int) {
	expected := 0
	for i := range run.Sent {
		n := refs[spans.Ref(i)]
		expected += n
		if n == 0 {
			run.Lost++
			continue
		}
		run.Delivered++
		run.Duplicates += n - 1
	}
	total := 0
	for _, n := range refs {
		total += n
	}
	run.Duplicates += total - expected // records of spans that were never sent
}

// freeEndpoint returns a 127.0.0.1:<port> that was free a moment ago.
func freeEndpoint() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// protocolSeen passes requests to handler and keeps the HTTP versions they
// came in (a sync.Map: reading a known key takes no lock).
type protocolSeen struct {
	handler http.Handler
	seen    sync.Map
}

func (p *protocolSeen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.seen.Load(r.Proto); !ok {
		p.seen.Store(r.Proto, true)
	}
	p.handler.ServeHTTP(w, r)
}

func (p *protocolSeen) String() string {
	var seen []string
	p.seen.Range(func(k, _ any) bool {
		seen = append(seen, k.(string))
		return true
	})
	slices.Sort(seen)
	return strings.Join(seen, ", ")
}

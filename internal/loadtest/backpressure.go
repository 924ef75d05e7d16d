package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// BackpressureOptions configure `make load-backpressure`: spans at a fixed
// rate for Duration, with the API down from OutageAt for Outage.
type BackpressureOptions struct {
	Bin        string
	OutDir     string
	Rate       int // spans per second
	BatchSpans int // spans per OTLP export request
	Duration   time.Duration
	OutageAt   time.Duration
	Outage     time.Duration
	Drain      time.Duration // longest wait for the backlog once sending stops
	Pipeline   Pipeline
	Progress   io.Writer
}

// Sample is the state once a second.
type Sample struct {
	At       time.Duration
	APIUp    bool
	RSS      int64
	CPU      time.Duration // collector CPU since it was ready
	Accepted int           // spans the receiver accepted so far
	Refused  int           // spans it refused so far
	Arrived  int           // records the API accepted so far (duplicates included)
}

// BackpressureResults is what the backpressure run measured.
type BackpressureResults struct {
	Samples  []Sample
	Offered  int            // spans the generator sent
	Skipped  int            // spans not sent because the generator's connections were all busy
	Accepted int            // spans the receiver accepted
	Refused  int            // spans the receiver refused
	Reasons  map[string]int // refused spans by answer

	Arrived         int           // distinct records of accepted spans at the API
	Missing         int           // accepted spans whose record never arrived
	Duplicates      int           // arrivals beyond the first
	ArrivedRefused  int           // records of refused spans that arrived anyway
	AllArrivedAfter time.Duration // from the API's return until the last record arrived; 0 if some never did

	BaselineRSS  int64 // collector RSS just before the outage
	OutagePeak   int64 // highest RSS sampled while the API was down
	PeakRSS      int64 // VmHWM at the end
	HeldSpans    int   // the most spans the queue (batches in flight included) can hold
	HeapPerSpan  int   // bytes of Go heap one span takes as pdata (measured here)
	CollectorCPU time.Duration
	Err          error
}

// RunBackpressure sends spans at a fixed rate through the collector into the
// stand-in, takes the stand-in down (listener and connections closed) for
// the outage, brings it back, and waits for the backlog.
func RunBackpressure(ctx context.Context, o BackpressureOptions) (BackpressureResults, error) {
	res := BackpressureResults{Reasons: map[string]int{}}
	// The queue frees a request's room only when its export is done, so
	// batches being sent or retried count against queue_size too.
	res.HeldSpans = o.Pipeline.QueueSize
	if o.Pipeline.QueueSizer == "requests" {
		res.HeldSpans *= o.BatchSpans
	}
	spans := NewSpans(uint64(time.Now().UnixNano()))
	heap, err := heapPerSpan(spans)
	if err != nil {
		return res, err
	}
	res.HeapPerSpan = heap

	api := standin.New(APIKey, standin.CountOnly())
	srv, err := NewServer(api, nil)
	if err != nil {
		return res, err
	}
	defer srv.Close()
	otlpEndpoint, err := freeEndpoint()
	if err != nil {
		return res, err
	}
	p := o.Pipeline
	p.OTLPEndpoint, p.Exporter, p.Endpoint = otlpEndpoint, "athina", srv.URL()
	cfgPath := filepath.Join(o.OutDir, "backpressure.yaml")
	if err := p.Write(cfgPath); err != nil {
		return res, err
	}
	col, err := StartCollector(ctx, o.Bin, cfgPath, filepath.Join(o.OutDir, "backpressure.log"),
		APIKeyEnv+"="+APIKey)
	if err != nil {
		return res, err
	}
	defer col.Stop(30 * time.Second)
	col0, err := col.Stats()
	if err != nil {
		return res, err
	}

	const senders = 8
	client := NewOTLPClient(otlpEndpoint, senders)
	defer client.Close()
	gen := &generator{spans: spans, client: client, per: o.BatchSpans, sem: make(chan struct{}, senders)}

	o.logf("sending %d spans/s for %s; API down from %s for %s", o.Rate, o.Duration, o.OutageAt, o.Outage)
	ctx, cancel := context.WithTimeout(ctx, o.Duration+o.Drain+time.Minute)
	defer cancel()
	start := time.Now()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		gen.run(ctx, o.Rate, o.Duration)
	}()
	sendDone := sent // nil once seen

	apiUp := true
	var upAt time.Time
	var upErr error
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	sending := true
	var drainDeadline <-chan time.Time
	for done := false; !done; {
		select {
		case <-ctx.Done():
			res.Err = fmt.Errorf("stopped: %w", ctx.Err())
			done = true
		case <-col.Exited():
			res.Err = errors.New("the collector exited; see " + col.LogPath())
			done = true
		case <-sendDone:
			sendDone, sending = nil, false
			drainDeadline = time.After(o.Drain)
			o.logf("sending stopped; waiting up to %s for the backlog", o.Drain)
		case <-drainDeadline:
			done = true
		case <-tick.C:
			at := time.Since(start)
			switch {
			case apiUp && at >= o.OutageAt && at < o.OutageAt+o.Outage:
				srv.Down()
				apiUp = false
				o.logf("%3.0fs API down", at.Seconds())
			case !apiUp && at >= o.OutageAt+o.Outage:
				upErr = srv.Up()
				apiUp, upAt = true, time.Now()
				o.logf("%3.0fs API up", at.Seconds())
			}
			s := Sample{At: at, APIUp: apiUp, Arrived: api.Accepted()}
			s.Accepted, s.Refused, _ = client.Counts()
			if st, err := col.Stats(); err == nil {
				s.RSS, s.CPU = st.RSS, st.CPU-col0.CPU
			}
			res.Samples = append(res.Samples, s)
			if len(res.Samples)%10 == 0 {
				o.logf("%3.0fs RSS %.0f MiB, accepted %d, refused %d, arrived %d",
					at.Seconds(), mib(s.RSS), s.Accepted, s.Refused, s.Arrived)
			}
			if !sending && apiUp && gen.allArrived(spans, api) {
				res.AllArrivedAfter = time.Since(upAt)
				done = true
			}
		}
	}
	cancel()
	<-sent

	col1, statErr := col.Stats()
	res.CollectorCPU, res.PeakRSS = col1.CPU-col0.CPU, col1.HWM
	time.Sleep(time.Second) // late duplicates
	stopErr := col.Stop(30 * time.Second)
	res.Err = errors.Join(res.Err, upErr, statErr, stopErr)

	res.Offered, res.Skipped = gen.offered, gen.skipped
	res.Accepted, res.Refused, res.Reasons = client.Counts()
	gen.tally(&res, spans, api.References())
	res.BaselineRSS, res.OutagePeak = outageRSS(res.Samples)
	return res, nil
}

func (o BackpressureOptions) logf(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "loadtest: "+format+"\n", args...)
	}
}

// generator sends spans at a fixed rate, each export request once.
type generator struct {
	spans  *Spans
	client *OTLPClient
	per    int
	sem    chan struct{} // one token per connection

	mu       sync.Mutex
	accepted map[int]bool // by request number; false when refused
	offered  int
	skipped  int
	wg       sync.WaitGroup
}

// run sends a request of g.per spans every per/rate seconds until d has
// passed, then waits for the requests in flight.
func (g *generator) run(ctx context.Context, rate int, d time.Duration) {
	g.accepted = map[int]bool{}
	defer g.wg.Wait()
	interval := time.Duration(float64(time.Second) * float64(g.per) / float64(rate))
	tick := time.NewTicker(interval)
	defer tick.Stop()
	end := time.After(d)
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-end:
			return
		case <-tick.C:
		}
		select {
		case g.sem <- struct{}{}:
		default:
			g.mu.Lock()
			g.skipped += g.per
			g.mu.Unlock()
			continue
		}
		body, err := OTLP(g.spans.Batch(n*g.per, g.per, time.Now()))
		if err != nil {
			<-g.sem
			continue
		}
		g.mu.Lock()
		g.offered += g.per
		g.mu.Unlock()
		g.wg.Go(func() {
			defer func() { <-g.sem }()
			ok := g.client.Send(ctx, body, g.per)
			g.mu.Lock()
			g.accepted[n] = ok
			g.mu.Unlock()
		})
	}
}

// allArrived reports whether every accepted span's record has arrived. It
// looks at the references only once the count says it may be so.
func (g *generator) allArrived(spans *Spans, api *standin.Server) bool {
	accepted, _, _ := g.client.Counts()
	if api.Accepted() < accepted {
		return false
	}
	var res BackpressureResults
	g.tally(&res, spans, api.References())
	return res.Missing == 0
}

// tally compares what the receiver accepted with what arrived.
func (g *generator) tally(res *BackpressureResults, spans *Spans, refs map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	res.Arrived, res.Missing, res.Duplicates, res.ArrivedRefused = 0, 0, 0, 0
	seen := 0
	for n, ok := range g.accepted {
		for i := n * g.per; i < (n+1)*g.per; i++ {
			c := refs[spans.Ref(i)]
			seen += c
			switch {
			case c == 0 && ok:
				res.Missing++
			case c == 0:
			case ok:
				res.Arrived++
				res.Duplicates += c - 1
			default:
				res.ArrivedRefused++
			}
		}
	}
	total := 0
	for _, c := range refs {
		total += c
	}
	res.Duplicates += total - seen
}

// outageRSS returns the RSS sampled just before the API went down and the
// highest RSS sampled while it was down.
func outageRSS(samples []Sample) (baseline, peak int64) {
	for _, s := range samples {
		if s.APIUp && peak == 0 {
			baseline = s.RSS
		}
		if !s.APIUp {
			peak = max(peak, s.RSS)
		}
	}
	return baseline, peak
}

// heapPerSpan measures the Go heap that spans take once a receiver has
// unmarshalled them, which is how the queue holds them.
func heapPerSpan(spans *Spans) (int, error) {
	const n = 4000
	body, err := OTLP(spans.Batch(0, n, time.Now()))
	if err != nil {
		return 0, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
	if err != nil {
		return 0, err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(td)
	return int(after.HeapAlloc-before.HeapAlloc) / n, nil
}

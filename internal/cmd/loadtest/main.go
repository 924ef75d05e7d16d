// Command loadtest is the end-to-end load test of otelcol-athina (`make load`
// and `make load-backpressure`). It starts the stand-in of Athina's log API
// in-process and the collector binary as a subprocess, both on 127.0.0.1,
// sends GenAI chat spans over OTLP/HTTP, and prints markdown tables.
//
//	loadtest -mode load          # throughput and CPU vs a plain client and otlphttp
//	loadtest -mode backpressure  # memory and loss while the API is down for a minute
//
// Every run is bounded in spans and time, and stops everything it started,
// also on SIGINT or SIGTERM. Linux only (it reads /proc).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/athina-otel/athinaexporter/internal/loadtest"
)

func main() {
	mode := flag.String("mode", "load", "load or backpressure")
	bin := flag.String("bin", "build/otelcol-athina/otelcol-athina", "the collector binary (make build)")
	out := flag.String("out", "build/loadtest", "directory for collector configs, logs and the results")

	batch := flag.Int("batch", 512, "spans per OTLP export request (backpressure mode: default 100)")
	senders := flag.Int("senders", 2, "OTLP export requests in flight (load mode)")
	maxConcurrency := flag.Int("max-concurrency", 16, "athina exporter max_concurrency")
	numConsumers := flag.Int("num-consumers", 10, "sending_queue num_consumers")
	idleConns := flag.Int("idle-conns", 0, "athina keepalive max_idle_conns(_per_host); 0 keeps the exporter's default")
	queueSize := flag.Int("queue-size", 20_000, "sending_queue queue_size, in spans (sizer items)")
	block := flag.Bool("block", true, "sending_queue block_on_overflow in load mode (backpressure mode never blocks)")
	batchMin := flag.Int("batch-min", 1024, "sending_queue batch min_size, spans")
	batchMax := flag.Int("batch-max", 4096, "sending_queue batch max_size, spans")

	spans := flag.Int("spans", 100_000, "spans per run (load mode)")
	timeout := flag.Duration("timeout", 5*time.Minute, "longest time one run may take (load mode)")
	useTLS := flag.Bool("tls", false, "serve the stand-in and the sink over HTTPS with a self-signed certificate, so clients speak HTTP/2 as they would to the real API (load mode)")
	profile := flag.Bool("profile", false, "write each collector run's CPU profile to <out>/load-<exporter>.cpu.pprof (load mode)")

	rate := flag.Int("rate", 1000, "spans per second (backpressure mode)")
	duration := flag.Duration("duration", 100*time.Second, "how long spans are sent (backpressure mode)")
	outageAt := flag.Duration("outage-at", 20*time.Second, "when the API goes down, from the start (backpressure mode)")
	outage := flag.Duration("outage", 60*time.Second, "how long the API stays down (backpressure mode)")
	drain := flag.Duration("drain", 3*time.Minute, "longest wait for the backlog after sending stops (backpressure mode)")
	memLimit := flag.Int("memory-limit-mib", 0, "memory_limiter limit_mib (default 1024 for load, 320 for backpressure)")
	spikeLimit := flag.Int("spike-limit-mib", 0, "memory_limiter spike_limit_mib (default a quarter of the limit)")
	// -mode client is the plain client's own process, started by -mode load.
	clientURL := flag.String("client-url", "", "internal: the plain client process's URL")
	clientRun := flag.Uint64("client-run", 0, "internal: the plain client process's span run id")
	clientEnd := flag.Int64("client-end", 0, "internal: the plain client process's span end time, Unix ns")
	clientInFlight := flag.Int("client-inflight", 0, "internal: the plain client process's POSTs in flight")
	clientCA := flag.String("client-ca", "", "internal: the plain client process's CA file")
	flag.Parse()

	if *mode == "client" {
		res := loadtest.RunPlainClient(context.Background(), loadtest.ClientOptions{
			URL: *clientURL, Run: *clientRun, End: time.Unix(0, *clientEnd), Spans: *spans,
			BatchSpans: *batch, InFlight: *clientInFlight, CAFile: *clientCA,
		})
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			fail(err)
		}
		return
	}

	p := loadtest.Pipeline{
		QueueSizer: "items", QueueSize: *queueSize, Block: *block, NumConsumers: *numConsumers,
		BatchMinSize: *batchMin, BatchMaxSize: *batchMax, FlushTimeout: 200 * time.Millisecond,
		MaxConcurrency: *maxConcurrency, IdleConns: *idleConns, MemoryLimitMiB: 1024,
		RetryInitial: 5 * time.Second, RetryMax: 30 * time.Second,
	}
	if *mode == "backpressure" {
		p.Block, p.MemoryLimitMiB = false, 320
		if !flagSet("batch") {
			*batch = 100
		}
	}
	if *memLimit > 0 {
		p.MemoryLimitMiB = *memLimit
	}
	p.SpikeLimitMiB = p.MemoryLimitMiB / 4
	if *spikeLimit > 0 {
		p.SpikeLimitMiB = *spikeLimit
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if _, err := os.Stat(*bin); err != nil {
		fail(fmt.Errorf("no collector binary (run make build): %w", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var report strings.Builder
	machine := loadtest.Machine()
	loadBefore := loadtest.LoadAverage()
	started := time.Now()
	switch *mode {
	case "load":
		o := loadtest.LoadOptions{
			Bin: *bin, OutDir: *out, Spans: *spans, BatchSpans: *batch, Senders: *senders,
			Pipeline: p, Timeout: *timeout, Profile: *profile, TLS: *useTLS, Progress: os.Stderr,
		}
		res, err := loadtest.RunLoad(ctx, o)
		if err != nil {
			fail(err)
		}
		loadtest.WriteLoad(&report, withLoad(machine, loadBefore), o, res)
	case "backpressure":
		o := loadtest.BackpressureOptions{
			Bin: *bin, OutDir: *out, Rate: *rate, BatchSpans: *batch, Duration: *duration,
			OutageAt: *outageAt, Outage: *outage, Drain: *drain, Pipeline: p, Progress: os.Stderr,
		}
		res, err := loadtest.RunBackpressure(ctx, o)
		if err != nil {
			fail(err)
		}
		loadtest.WriteBackpressure(&report, withLoad(machine, loadBefore), o, res)
	default:
		fail(fmt.Errorf("-mode must be load or backpressure, got %q", *mode))
	}
	fmt.Fprintf(&report, "\nRun %s, %s.\n", started.UTC().Format("2006-01-02 15:04 UTC"),
		time.Since(started).Round(time.Second))

	fmt.Print(report.String())
	path := filepath.Join(*out, "results-"+*mode+".md")
	if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "loadtest: results written to %s; collector configs and logs in %s\n", path, *out)
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func withLoad(machine, before string) string {
	return fmt.Sprintf("%s; load average %s before, %s after", machine, before, loadtest.LoadAverage())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

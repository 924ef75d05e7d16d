package loadtest

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Goals of issue 4: the athina exporter may spend at most twice the
// collector CPU per span of the otlphttp exporter, and must deliver at least
// half the records per second a plain client gets through.
const (
	goalCPURatio  = 2.0
	goalRateShare = 0.5
)

// WriteLoad prints the load results as markdown.
func WriteLoad(w io.Writer, machine string, o LoadOptions, r LoadResults) {
	p := o.Pipeline
	fmt.Fprintf(w, "\n## Load: %d GenAI chat spans\n\n", o.Spans)
	fmt.Fprintf(w, "Machine: %s.\n\n", machine)
	fmt.Fprintf(w, "Spans: %d B of OTLP protobuf each, sent %d per request, %d requests in flight; "+
		"records: %d B of JSON each.\n", r.SpanBytes, o.BatchSpans, o.Senders, r.RecordBytes)
	fmt.Fprintf(w, "Collector: sending_queue %d %s (block_on_overflow %t), num_consumers %d, batch %d–%d spans / %s; "+
		"max_concurrency %d (so %d POSTs in flight); memory_limiter %d MiB (spike %d).\n\n",
		p.QueueSize, p.QueueSizer, p.Block, p.NumConsumers, p.BatchMinSize, p.BatchMaxSize, p.FlushTimeout,
		p.MaxConcurrency, r.InFlight, p.MemoryLimitMiB, p.SpikeLimitMiB)

	fmt.Fprintln(w, "| run | protocol | delivered/s | delivered | lost | duplicates | collector CPU s per 1k | "+
		"collector peak RSS | receiver refusals | load-test process CPU s | wall s |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, run := range []Run{r.Athina, r.OTLPHTTP, r.Limit} {
		cpu, rss := "—", "—"
		if run.CollectorCPU > 0 {
			cpu = fmt.Sprintf("%.3f", run.CPUPer1k())
			rss = fmt.Sprintf("%.0f MiB", mib(run.PeakRSS))
		} else if run.ClientCPU > 0 {
			cpu = fmt.Sprintf("(client) %.3f", run.ClientCPUPer1k())
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %d | %d | %d | %s | %s | %d | %.1f | %.1f |\n",
			run.Name, run.Protocol, run.PerSecond(), run.Delivered, run.Lost, run.Duplicates, cpu, rss,
			run.Refusals, run.SelfCPU.Seconds(), run.Wall.Seconds())
	}

	ratio := r.Athina.CPUPer1k() / r.OTLPHTTP.CPUPer1k()
	share := r.Athina.PerSecond() / r.Limit.PerSecond()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- CPU per span, athina / otlphttp: %.2f× (goal ≤ %.0f×: %s)\n", ratio, goalCPURatio,
		verdict(ratio <= goalCPURatio))
	if floor := r.Limit.ClientCPUPer1k(); floor > 0 {
		fmt.Fprintf(w, "- CPU per record of the plain client alone (ready bodies, one POST each; no receiving, "+
			"translating or queueing): %.3f s per 1k = %.2f× otlphttp's whole collector, %.0f%% of athina's\n",
			floor, floor/r.OTLPHTTP.CPUPer1k(), 100*floor/r.Athina.CPUPer1k())
	}
	fmt.Fprintf(w, "- records/s, athina / plain client: %.0f%% (goal ≥ %.0f%%: %s)\n", 100*share,
		100*goalRateShare, verdict(share >= goalRateShare))
	fmt.Fprintf(w, "- records lost: %d, duplicates: %d (goal 0: %s)\n", r.Athina.Lost, r.Athina.Duplicates,
		verdict(r.Athina.Lost == 0 && r.Athina.Duplicates == 0))
	for _, run := range []Run{r.Athina, r.OTLPHTTP, r.Limit} {
		if run.Err != nil {
			fmt.Fprintf(w, "- **%s: %v**\n", run.Name, run.Err)
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// table writes a markdown table.
func table(w io.Writer, header []string, rows [][]string) {
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---:"
	}
	seps[0] = "---"
	fmt.Fprintln(w, "|"+strings.Join(seps, "|")+"|")
	for _, row := range rows {
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}

// WriteBackpressure prints the backpressure results as markdown.
func WriteBackpressure(w io.Writer, machine string, o BackpressureOptions, r BackpressureResults) {
	p := o.Pipeline
	fmt.Fprintf(w, "\n## Backpressure: %d spans/s for %s, API down from %s to %s\n\n", o.Rate,
		o.Duration, o.OutageAt, o.OutageAt+o.Outage)
	fmt.Fprintf(w, "Machine: %s.\n\n", machine)
	fmt.Fprintf(w, "Collector: sending_queue %d %s, num_consumers %d, batch %d–%d spans; "+
		"max_concurrency %d; retry %s doubling to %s; memory_limiter limit %d MiB, spike %d MiB "+
		"(refuses above %d MiB of heap).\n\n", p.QueueSize, p.QueueSizer, p.NumConsumers,
		p.BatchMinSize, p.BatchMaxSize, p.MaxConcurrency, p.RetryInitial, p.RetryMax,
		p.MemoryLimitMiB, p.SpikeLimitMiB, p.MemoryLimitMiB-p.SpikeLimitMiB)

	var rows [][]string
	for i, s := range r.Samples {
		if (i+1)%10 != 0 && i != len(r.Samples)-1 {
			continue
		}
		api := "up"
		if !s.APIUp {
			api = "down"
		}
		rows = append(rows, []string{fmt.Sprintf("%.0f", s.At.Seconds()), api, fmt.Sprintf("%.0f", mib(s.RSS)),
			fmt.Sprintf("%.1f", s.CPU.Seconds()), fmt.Sprint(s.Accepted), fmt.Sprint(s.Refused), fmt.Sprint(s.Arrived)})
	}
	table(w, []string{"t s", "API", "collector RSS MiB", "collector CPU s", "spans accepted", "spans refused",
		"records arrived"}, rows)

	held := float64(r.HeldSpans) * float64(r.HeapPerSpan)
	perSpan := "—"
	if r.OutagePeak > r.BaselineRSS {
		perSpan = fmt.Sprintf("%.1f KiB", float64(r.OutagePeak-r.BaselineRSS)/float64(r.HeldSpans)/1024)
	}
	fmt.Fprintln(w)
	table(w, []string{"", "value"}, [][]string{
		{"collector RSS before the outage", fmt.Sprintf("%.0f MiB", mib(r.BaselineRSS))},
		{"collector RSS, highest sample during the outage", fmt.Sprintf("%.0f MiB", mib(r.OutagePeak))},
		{"collector peak RSS (VmHWM), whole run", fmt.Sprintf("%.0f MiB", mib(r.PeakRSS))},
		{"bound from sending_queue: spans held at most (batches in flight count until done)",
			fmt.Sprintf("%d, ≈ %.0f MiB as pdata (%d B of heap per span)", r.HeldSpans, mib(int64(held)), r.HeapPerSpan)},
		{"RSS growth during the outage per held span", perSpan},
		{"bound from memory_limiter: refuses above", fmt.Sprintf("%d MiB of heap", p.MemoryLimitMiB-p.SpikeLimitMiB)},
		{"spans sent by the generator", fmt.Sprint(r.Offered)},
		{"spans accepted by the receiver", fmt.Sprint(r.Accepted)},
		{"spans refused by the receiver (errors the generator saw)", fmt.Sprintf("%d %s", r.Refused, reasons(r.Reasons))},
		{"spans not sent (generator's connections busy)", fmt.Sprint(r.Skipped)},
		{"records of accepted spans that arrived", fmt.Sprintf("%d of %d", r.Arrived, r.Accepted)},
		{"accepted but never arrived", fmt.Sprint(r.Missing)},
		{"duplicates", fmt.Sprint(r.Duplicates)},
		{"records of refused spans that arrived", fmt.Sprint(r.ArrivedRefused)},
		{"all accepted records arrived after the API came back", arrivedAfter(r.AllArrivedAfter)},
		{"collector CPU, whole run", fmt.Sprintf("%.1f s", r.CollectorCPU.Seconds())},
	})
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- every accepted record arrived: %s\n", verdict(r.Missing == 0 && r.Accepted > 0))
	if r.Err != nil {
		fmt.Fprintf(w, "- **error: %v**\n", r.Err)
	}
}

func reasons(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func arrivedAfter(d time.Duration) string {
	if d == 0 {
		return "**not all arrived**"
	}
	return d.Round(time.Second).String()
}

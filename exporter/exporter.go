package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadata"
	"github.com/athina-otel/athinaexporter/translate"
)

// tracesExporter turns a batch of spans into records and ships them.
type tracesExporter struct {
	cfg        *config.Config
	set        exporter.Settings
	logger     *zap.Logger
	telemetry  *metadata.TelemetryBuilder
	translator *translate.Translator
	redaction  translate.Redaction
	rejections *rejectionLog
	halt       *halt

	// events holds content that arrives as log events, when the exporter
	// is in a logs pipeline too; nil otherwise.
	events *eventStore

	// sender is built in start: the HTTP client needs the host's extensions
	// (auth, middlewares), which only start receives.
	sender *sender

	bodies sync.Pool // *[]byte, one request body per record in flight
}

func newTracesExporter(cfg *config.Config, set exporter.Settings) (*tracesExporter, error) {
	telemetry, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("athina exporter: creating metrics: %w", err)
	}
	redaction, err := translate.NewRedaction(cfg.Redact.Fields, cfg.Redact.CustomAttributes)
	if err != nil {
		return nil, fmt.Errorf("athina exporter: redact.%w", err)
	}
	return &tracesExporter{
		cfg:       cfg,
		set:       set,
		logger:    set.Logger,
		telemetry: telemetry,
		translator: translate.New(translate.Options{
			Environment:       cfg.Environment,
			Tags:              cfg.Tags,
			PromptSlug:        cfg.PromptSlug,
			MaxFieldBytes:     cfg.MaxFieldBytes,
			IncludeEmbeddings: cfg.IncludeEmbeddings,
		}),
		redaction:  redaction,
		rejections: newRejectionLog(set.Logger),
		halt:       newHalt(),
		bodies:     sync.Pool{New: func() any { return new([]byte) }},
	}, nil
}

func (e *tracesExporter) start(ctx context.Context, host component.Host) error {
	clientCfg := e.cfg.ClientConfig
	if ka := clientCfg.Keepalive.Get(); ka != nil {
		sizeIdlePool(ka, e.cfg)
	}
	client, err := clientCfg.ToClient(ctx, host.GetExtensions(), clientTelemetry(e.set.TelemetrySettings, e.cfg.HTTPClientTelemetry))
	if err != nil {
		return fmt.Errorf("athina exporter: creating HTTP client: %w", err)
	}
	if e.sender, err = newSender(client, e.cfg.LogURL(), string(e.cfg.APIKey)); err != nil {
		return fmt.Errorf("athina exporter: %w", err)
	}

	if plaintextRemote(e.cfg.ClientConfig.Endpoint) {
		e.logger.Warn("The endpoint is plain http:// and not on this host: the API key and LLM content cross the network unencrypted. Use https:// unless a TLS proxy sits in between.",
			zap.String("endpoint", e.cfg.ClientConfig.Endpoint))
	}
	return nil
}

func (e *tracesExporter) shutdown(context.Context) error {
	e.rejections.flush()
	if e.sender != nil {
		e.sender.client.CloseIdleConnections()
	}
	e.telemetry.Shutdown()
	return nil
}

// pushTraces sends every LLM span of td as one record. Records the API
// rejects for good are counted and dropped; only the spans whose records
// failed transiently are handed back for retry, so one bad record never
// makes its batch fail or resend what already arrived.
func (e *tracesExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	ctx, done := e.halt.bind(ctx)
	defer done()

	result := e.translator.Traces(td)
	if e.events != nil && len(result.Items) > 0 {
		result = e.joinEvents(ctx, td, result)
	}
	// Redaction comes last, so content joined from log events is redacted too.
	if !e.redaction.IsZero() {
		for i := range result.Items {
			e.redaction.Apply(&result.Items[i].Record)
		}
	}
	if result.Skipped > 0 {
		e.telemetry.ExporterAthinaSpansSkipped.Add(ctx, int64(result.Skipped))
	}
	if result.Truncated > 0 {
		e.telemetry.ExporterAthinaFieldsTruncated.Add(ctx, int64(result.Truncated))
	}
	if len(result.Items) == 0 {
		return nil
	}

	outcomes := e.sendAll(ctx, result.Items)
	return e.settle(ctx, td, result.Items, outcomes)
}

// sendAll posts the records with at most max_concurrency requests in flight
// and returns each record's outcome at its index. Once a POST gets no
// answer at all (connection refused, reset, timed out), the records not yet
// tried are not posted but handed back for retry with it: during an outage
// a batch of thousands of records then costs a few failed connections per
// attempt instead of thousands, or thousands of timeouts if the API hangs.
func (e *tracesExporter) sendAll(ctx context.Context, items []translate.Item) []outcome {
	outcomes := make([]outcome, len(items))
	workers := min(e.cfg.MaxConcurrency, len(items))
	var next atomic.Int64
	var unreachable atomic.Pointer[outcome]
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			p := newPoster()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) {
					return
				}
				if failed := unreachable.Load(); failed != nil {
					outcomes[i] = outcome{action: actionRetry, err: failed.err}
					continue
				}
				outcomes[i] = e.sendOne(ctx, p, &items[i].Record)
				if out := &outcomes[i]; out.action == actionRetry && out.status == 0 {
					unreachable.CompareAndSwap(nil, out) // outcomes[i] is final
				}
			}
		})
	}
	wg.Wait()
	return outcomes
}

// sendOne posts rec. The body, built in a pooled buffer, is the record's
// JSON and a newline: byte for byte what encoding/json's Encoder wrote
// before Record.AppendJSON took its place on this hot path.
//
// The buffer goes back to the pool only after a 2xx, when the API has read
// the whole body. A server may answer before it has (an auth proxy's 401,
// a 413), and the transport may then still be writing the body after post
// returned: a buffer reused under that write would mix two records.
func (e *tracesExporter) sendOne(ctx context.Context, p *poster, rec *translate.Record) outcome {
	buf := e.bodies.Get().(*[]byte)
	body := append(rec.AppendJSON((*buf)[:0]), '\n')
	out := e.sender.post(ctx, p, body)
	if out.action == actionSent {
		*buf = body[:0]
		e.bodies.Put(buf)
	}

	e.halt.noteOutcome(out)
	return out
}

// settle counts the outcomes and decides what the retry sender gets back.
func (e *tracesExporter) settle(ctx context.Context, td ptrace.Traces, items []translate.Item, outcomes []outcome) error {
	var sent int64
	var retryRefs []translate.SpanRef
	var retryErr error
	var throttle time.Duration // the longest Retry-After asked for
	drops := map[string]int64{}
	for i, out := range outcomes {
		switch out.action {
		case actionSent:
			sent++
		case actionDrop:
			reason := "encoding"
			if out.status != 0 {
				reason = dropReason(out.status)
			}
			drops[reason]++
			e.rejections.record(out.status, out.err)
		case actionRetry:
			retryRefs = append(retryRefs, items[i].Ref)
			if retryErr == nil {
				retryErr = out.err
			}
			throttle = max(throttle, out.retryAfter)
		}
	}

	if sent > 0 {
		e.telemetry.ExporterAthinaRecordsSent.Add(ctx, sent)
		e.rejections.accepted()
	}
	for reason, n := range drops {
		e.telemetry.ExporterAthinaRecordsDropped.Add(ctx, n,
			metric.WithAttributes(attribute.String("reason", reason)))
	}
	e.rejections.flushDue() // one summary line for the batch's rejections
	if len(retryRefs) == 0 {
		return nil
	}

	err := fmt.Errorf("%d of %d records will be retried: %w", len(retryRefs), len(items), retryErr)
	err = consumererror.NewTraces(err, subsetTraces(td, retryRefs))
	if throttle > 0 {
		err = exporterhelper.NewThrottleRetry(err, throttle)
	}
	return err
}

// clientTelemetry is what the HTTP client is built with. confighttp wraps
// the client in otelhttp only when both a tracer and a meter provider are
// set, so leaving the tracer provider out is how the wrapping is turned off.
func clientTelemetry(set component.TelemetrySettings, instrument bool) component.TelemetrySettings {
	if !instrument {
		set.TracerProvider = nil
	}
	return set
}

// plaintextRemote reports an http:// endpoint whose host is not loopback.
func plaintextRemote(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

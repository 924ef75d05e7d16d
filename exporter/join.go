package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/translate"
)

// pushLogs holds the GenAI content events of ld for their spans. It never
// fails: an event that finds no span is dropped after max_age and counted.
func (e *tracesExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	res := e.events.add(ld)
	if dropped := res.evicted; dropped > 0 {
		e.telemetry.ExporterAthinaLogEventsDropped.Add(ctx, int64(dropped))
	}
	return nil
}

// joinEvents attaches the held content events of the batch's LLM spans to
// those spans, waiting at most log_events.wait for events still on their
// way, and translates the batch again when any were attached. A record whose
// events never come is sent with what its span has.
func (e *tracesExporter) joinEvents(ctx context.Context, td ptrace.Traces, result translate.Result) translate.Result {
	if dropped := e.events.expire(); dropped > 0 {
		e.telemetry.ExporterAthinaLogEventsDropped.Add(ctx, int64(dropped))
	}

	var waiting []waitKey
	var waitSpans []ptrace.Span
	var waitScopes []string
	attached := 0
	for i := range result.Items {
		item := &result.Items[i]
		if hasContent(&item.Record) {
			continue
		}
		span, scope := spanAt(td, item.Ref)
		key := spanKey{span.TraceID(), span.SpanID()}
		if n := attach(span, e.events.take(key)); n > 0 {
			attached += n
			continue
		}
		if e.events.shouldWait(scope) {
			failed := span.Status().Code() == ptrace.StatusCodeError
			waiting = append(waiting, waitKey{key: key, anyEvent: failed})
			waitSpans = append(waitSpans, span)
			waitScopes = append(waitScopes, scope)
		}
	}

	if len(waiting) > 0 && e.cfg.LogEvents.Wait > 0 {
		e.waitForEvents(ctx, waiting)
		heard := map[string]bool{}
		for i, span := range waitSpans {
			n := attach(span, e.events.take(waiting[i].key))
			attached += n
			heard[waitScopes[i]] = heard[waitScopes[i]] || n > 0
		}
		for scope, ok := range heard {
			if !ok {
				e.events.markSilent(scope)
			}
		}
	}

	if attached == 0 {
		return result
	}
	e.telemetry.ExporterAthinaLogEventsJoined.Add(ctx, int64(attached))
	// Translate the whole batch again rather than the joined spans alone,
	// so what the translator derives across a trace sees the content too.
	return e.translator.Traces(td)
}

// waitForEvents returns when the events of every key have arrived, the
// log_events.wait bound has passed, or ctx is done.
func (e *tracesExporter) waitForEvents(ctx context.Context, keys []waitKey) {
	timer := time.NewTimer(e.cfg.LogEvents.Wait)
	defer timer.Stop()
	for {
		ready, changed := e.events.ready(keys)
		if ready {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// hasContent reports whether a record has a prompt or an output already,
// so no events are needed for it.
func hasContent(rec *translate.Record) bool {
	return len(rec.Prompt) > 0 || rec.Response != "" || len(rec.ToolCalls) > 0
}

// attach appends events to span as span events and returns how many.
func attach(span ptrace.Span, events []heldEvent) int {
	for _, ev := range events {
		se := span.Events().AppendEmpty()
		se.SetName(ev.name)
		se.SetTimestamp(ev.at)
		ev.attrs.MoveTo(se.Attributes())
	}
	return len(events)
}

func spanAt(td ptrace.Traces, ref translate.SpanRef) (ptrace.Span, string) {
	ss := td.ResourceSpans().At(ref.Resource).ScopeSpans().At(ref.Scope)
	return ss.Spans().At(ref.Span), ss.Scope().Name()
}

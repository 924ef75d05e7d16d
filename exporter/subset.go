package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/translate"
)

// subsetTraces returns what goes back to the retry sender when the records
// of the spans at refs failed transiently: every span of those spans'
// traces, each under a copy of its resource and scope. A retried record
// needs its trace around it (wrappers, ancestors, retrievals) to come out
// the same; the spans that are not to be sent again are marked
// translate.ContextOnly.
func subsetTraces(td ptrace.Traces, refs []translate.SpanRef) ptrace.Traces {
	retry := make(map[translate.SpanRef]bool, len(refs))
	traces := make(map[pcommon.TraceID]bool, len(refs))
	for _, ref := range refs {
		retry[ref] = true
		span, _ := spanAt(td, ref)
		traces[span.TraceID()] = true
	}

	out := ptrace.NewTraces()
	for i, srcRS := range td.ResourceSpans().All() {
		var rs ptrace.ResourceSpans
		hasRS := false
		for j, srcSS := range srcRS.ScopeSpans().All() {
			var ss ptrace.ScopeSpans
			hasSS := false
			for k, span := range srcSS.Spans().All() {
				if !traces[span.TraceID()] {
					continue
				}
				if !hasRS {
					rs, hasRS = out.ResourceSpans().AppendEmpty(), true
					srcRS.Resource().CopyTo(rs.Resource())
					rs.SetSchemaUrl(srcRS.SchemaUrl())
				}
				if !hasSS {
					ss, hasSS = rs.ScopeSpans().AppendEmpty(), true
					srcSS.Scope().CopyTo(ss.Scope())
					ss.SetSchemaUrl(srcSS.SchemaUrl())
				}
				dst := ss.Spans().AppendEmpty()
				span.CopyTo(dst)
				if !retry[translate.SpanRef{Resource: i, Scope: j, Span: k}] {
					dst.Attributes().PutBool(translate.ContextOnly, true)
				}
			}
		}
	}
	return out
}

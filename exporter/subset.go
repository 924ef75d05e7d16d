package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/translate"
)

// subsetTraces copies the spans at refs out of td, each under a copy of its
// resource and scope, so the retry sender resends only those spans.
func subsetTraces(td ptrace.Traces, refs []translate.SpanRef) ptrace.Traces {
	out := ptrace.NewTraces()
	type scopeKey struct{ resource, scope int }
	resources := map[int]ptrace.ResourceSpans{}
	scopes := map[scopeKey]ptrace.ScopeSpans{}

	for _, ref := range refs {
		srcRS := td.ResourceSpans().At(ref.Resource)
		rs, ok := resources[ref.Resource]
		if !ok {
			rs = out.ResourceSpans().AppendEmpty()
			srcRS.Resource().CopyTo(rs.Resource())
			rs.SetSchemaUrl(srcRS.SchemaUrl())
			resources[ref.Resource] = rs
		}

		key := scopeKey{ref.Resource, ref.Scope}
		srcSS := srcRS.ScopeSpans().At(ref.Scope)
		ss, ok := scopes[key]
		if !ok {
			ss = rs.ScopeSpans().AppendEmpty()
			srcSS.Scope().CopyTo(ss.Scope())
			ss.SetSchemaUrl(srcSS.SchemaUrl())
			scopes[key] = ss
		}

		srcSS.Spans().At(ref.Span).CopyTo(ss.Spans().AppendEmpty())
	}
	return out
}

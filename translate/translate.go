package translate

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Options are per-pipeline settings from the exporter config.
type Options struct {
	Environment   string   // used when neither span nor resource names one
	Tags          []string // added to every record (deduplicated, config tags first)
	PromptSlug    string   // used when the span names none
	MaxFieldBytes int      // prompt message contents, response and context longer than this are truncated; 0 means no limit
}

// Translator turns spans into records. It holds only its options, so one
// Translator may be used from several goroutines at once.
type Translator struct {
	opts        Options
	tags        []string
	conventions []convention
}

// New returns a Translator for opts.
func New(opts Options) *Translator {
	return &Translator{opts: opts, tags: dedupe(opts.Tags), conventions: conventions()}
}

// SpanRef locates a span inside the ptrace.Traces it was read from.
type SpanRef struct{ Resource, Scope, Span int }

// Item is the record made from one span.
type Item struct {
	Ref    SpanRef
	Record Record
}

// Result is what Traces made of a batch.
type Result struct {
	Items     []Item
	Skipped   int // spans that are not LLM calls (incl. embeddings, retrieval, tool, agent spans)
	Truncated int // number of fields truncated across all records
}

// Traces translates every LLM span of td, in order.
func (t *Translator) Traces(td ptrace.Traces) Result {
	var r Result
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				rec, truncated, ok := t.Span(rs.Resource(), ss.Scope(), spans.At(k))
				if !ok {
					r.Skipped++
					continue
				}
				r.Truncated += truncated
				r.Items = append(r.Items, Item{Ref: SpanRef{Resource: i, Scope: j, Span: k}, Record: rec})
			}
		}
	}
	return r
}

// Span translates one span; ok is false when it is not an LLM call.
// truncated = fields cut.
func (t *Translator) Span(res pcommon.Resource, scope pcommon.InstrumentationScope, span ptrace.Span) (rec Record, truncated int, ok bool) {
	if classify(span, t.conventions) != classLLM {
		return Record{}, 0, false
	}

	in := spanInput{res: res, scope: scope, span: span}
	d := draft{rec: Record{CustomAttributes: make(map[string]any, 16)}}
	readSpan(in, &d)
	for i := range t.conventions {
		t.conventions[i].read(in, &d)
	}
	t.finish(in, &d)

	truncated = truncate(&d.rec, t.opts.MaxFieldBytes)
	d.rec.UserQuery = lastUserText(d.rec.Prompt)
	return d.rec, truncated, true
}

// readSpan fills what every span has, whatever its convention: ids, timing
// and the general OTel attributes (session, user, environment, server).
func readSpan(in spanInput, d *draft) {
	span := in.span
	traceID, spanID := span.TraceID().String(), span.SpanID().String()
	d.rec.ExternalReferenceID = traceID + "-" + spanID
	if end, start := span.EndTimestamp(), span.StartTimestamp(); end > start {
		d.rec.ResponseTime = int64(end-start) / 1e6
	}

	d.setCustom("trace_id", traceID)
	d.setCustom("span_id", spanID)
	if parent := span.ParentSpanID(); !parent.IsEmpty() {
		d.setCustom("parent_span_id", parent.String())
	}
	d.setCustom("span_name", span.Name())
	if n := span.DroppedAttributesCount(); n > 0 {
		d.setCustom("otel_dropped_attributes", int64(n))
	}

	var userID, endUserID, envName, env pcommon.Value
	for k, v := range span.Attributes().All() {
		switch k {
		case "session.id":
			setString(&d.rec.SessionID, v)
		case "user.id":
			userID = v
		case "enduser.id":
			endUserID = v
		case "deployment.environment.name":
			envName = v
		case "deployment.environment":
			env = v
		case "server.address":
			d.setCustom("server_address", str(v))
		}
	}
	d.rec.CustomerUserID = firstString(str(userID), str(endUserID))
	d.rec.Environment = firstString(str(envName), str(env))
}

// finish applies what comes after all readers: resource and config
// fallbacks, system instructions, derived totals, status.
func (t *Translator) finish(in spanInput, d *draft) {
	resAttrs := in.res.Attributes()
	d.setCustom("service_name", str(getAttr(resAttrs, "service.name")))
	if d.rec.Environment == "" {
		d.rec.Environment = firstString(
			str(getAttr(resAttrs, "deployment.environment.name")),
			str(getAttr(resAttrs, "deployment.environment")),
			t.opts.Environment)
	}
	if d.rec.PromptSlug == "" {
		d.rec.PromptSlug = t.opts.PromptSlug
	}
	if d.rec.Tags == nil {
		d.rec.Tags = t.tags
	}

	d.rec.Prompt = withSystem(d.rec.Prompt, d.system)
	if d.rec.Prompt == nil {
		d.rec.Prompt = []Message{}
	}
	r := &d.rec
	if r.TotalTokens == nil && r.PromptTokens != nil && r.CompletionTokens != nil {
		total := *r.PromptTokens + *r.CompletionTokens
		r.TotalTokens = &total
	}
	r.StatusCode, r.Error = status(in.span)
}

// withSystem prepends the system instructions as a system message unless
// the prompt has a system (or developer) message already.
func withSystem(prompt []Message, system string) []Message {
	if system == "" {
		return prompt
	}
	for i := range prompt {
		if prompt[i].Role == "system" || prompt[i].Role == "developer" {
			return prompt
		}
	}
	return slices.Insert(prompt, 0, Message{Role: "system", Content: jsonString(system)})
}

// lastUserText returns the text of the last user message: the user_query.
func lastUserText(prompt []Message) string {
	for i := len(prompt) - 1; i >= 0; i-- {
		if prompt[i].Role == "user" {
			return contentText(prompt[i].Content)
		}
	}
	return ""
}

// dedupe returns tags without empty and repeated entries, in their order.
// The result is shared by all records, so it is clipped: appending to a
// record's tags copies instead of writing into the shared array.
func dedupe(tags []string) []string {
	var out []string
	for _, tag := range tags {
		if tag = strings.TrimSpace(tag); tag != "" && !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	return slices.Clip(out)
}

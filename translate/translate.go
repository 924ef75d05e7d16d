package translate

import (
	"encoding/hex"
	"encoding/json"
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

	// IncludeEmbeddings makes embeddings spans records too: the input
	// texts as user messages, an empty response, the token counts.
	IncludeEmbeddings bool
}

// Translator turns spans into records. It holds only its options, so one
// Translator may be used from several goroutines at once.
type Translator struct {
	opts    Options
	tags    []string
	readers []reader

	// allReaders runs every reader on every span, as if each found keys
	// of its own: what the tests compare the skipping of readers with.
	allReaders bool
}

// New returns a Translator for opts.
func New(opts Options) *Translator {
	return &Translator{opts: opts, tags: dedupe(opts.Tags), readers: readers()}
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
	Skipped   int // spans that are no record (not LLM calls, wrappers of another LLM span); ContextOnly spans are not counted
	Truncated int // number of fields truncated across all records
}

// Traces translates every LLM span of td, in order. Spans of the same trace
// that arrive in the same batch are related to each other (spec S.2–S.4):
// wrapper LLM spans give way to the innermost call, records inherit
// session and user ids from their ancestors and take their RAG context
// from retrieval spans. Spans of a trace that are in other batches are not
// seen; the exporter is meant to run behind the groupbytrace processor.
func (t *Translator) Traces(td ptrace.Traces) Result {
	var r Result
	found, linked, total, marked := t.scan(td)
	// The spans around a retried record were counted when the batch was
	// first translated: as records or as skipped.
	total -= marked
	r.Skipped = total
	if len(found) == 0 {
		return r
	}
	r.Items = make([]Item, 0, len(found))
	add := func(ref SpanRef, rec Record, truncated int) {
		if contextOnly(td, ref) {
			return
		}
		r.Items = append(r.Items, Item{Ref: ref, Record: rec})
		r.Truncated += truncated
	}
	if linked {
		t.related(td, found, add)
	} else {
		// No span names a parent: every span stands alone.
		for _, c := range found {
			d := t.draft(c.in, c.class, c.keys)
			rec, truncated := t.finish(c.in, d)
			add(c.ref, rec, truncated)
		}
	}
	r.Skipped = total - len(r.Items)
	return r
}

// UnknownModel is the language_model_id of a record whose span names no
// model, since the API requires one.
const UnknownModel = "unknown"

// ContextOnly is a span attribute that keeps a span from becoming a record
// while it still takes part in the rules across a trace. The exporter sets
// it on the spans it hands back for retry only as the surroundings of a
// failed record (its wrappers, ancestors, retrievals and the calls that
// were already sent), so the retried record keeps its inherited fields and
// RAG context and nothing else is sent twice.
const ContextOnly = "athina.exporter.context_only"

func contextOnly(td ptrace.Traces, ref SpanRef) bool {
	span := td.ResourceSpans().At(ref.Resource).ScopeSpans().At(ref.Scope).Spans().At(ref.Span)
	v, ok := span.Attributes().Get(ContextOnly)
	return ok && v.Bool()
}

// candidate is a span that may become a record.
type candidate struct {
	in    spanInput
	ref   SpanRef
	class class
	keys  readerKeys
}

// scan classifies every span of td and returns the candidates, whether any
// span has a parent, the number of spans, and how many of them are marked
// ContextOnly. A batch without candidates costs one classification per span
// and allocates nothing.
func (t *Translator) scan(td ptrace.Traces) (found []candidate, linked bool, total, marked int) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				total++
				linked = linked || !span.ParentSpanID().IsEmpty()
				c, keys, contextOnly := classifyKeys(span)
				if contextOnly {
					marked++
				}
				if t.recordable(c) {
					found = append(found, candidate{
						in:    spanInput{res: rs.Resource(), scope: ss.Scope(), span: span},
						ref:   SpanRef{Resource: i, Scope: j, Span: k},
						class: c,
						keys:  keys,
					})
				}
			}
		}
	}
	return found, linked, total, marked
}

// recordable reports whether spans of class c become records.
func (t *Translator) recordable(c class) bool {
	return c == classLLM || (c == classEmbedding && t.opts.IncludeEmbeddings)
}

// Span translates one span on its own, without the spans around it; ok is
// false when it is no record. truncated = fields cut.
func (t *Translator) Span(res pcommon.Resource, scope pcommon.InstrumentationScope, span ptrace.Span) (rec Record, truncated int, ok bool) {
	c, keys, _ := classifyKeys(span)
	if !t.recordable(c) {
		return Record{}, 0, false
	}
	in := spanInput{res: res, scope: scope, span: span}
	rec, truncated = t.finish(in, t.draft(in, c, keys))
	return rec, truncated, true
}

// draft reads everything the span itself says.
func (t *Translator) draft(in spanInput, c class, keys readerKeys) *draft {
	d := &draft{class: c, keys: keys}
	if t.allReaders {
		d.keys = allReaderKeys
	}
	d.rec.CustomAttributes = d.attrs[:0]
	readSpan(in, d)
	d.rec.StatusCode, d.rec.Error = status(in.span)
	d.seg.read(in.span.Attributes())
	for _, read := range t.readers {
		read(in, d)
	}
	return d
}

// readSpan fills what every span has, whatever its convention: ids, timing
// and the general OTel attributes.
func readSpan(in spanInput, d *draft) {
	span := in.span
	traceID, spanID, ref := spanIDs(span)
	d.rec.ExternalReferenceID = ref
	if end, start := span.EndTimestamp(), span.StartTimestamp(); end > start {
		d.rec.ResponseTime = int64(end-start) / 1e6
	}

	d.setText("trace_id", traceID)
	d.setText("span_id", spanID)
	if parent := span.ParentSpanID(); !parent.IsEmpty() {
		d.setText("parent_span_id", parent.String())
	}
	d.setText("span_name", span.Name())
	if n := span.DroppedAttributesCount(); n > 0 {
		d.setCustom("otel_dropped_attributes", int64(n))
	}
	d.setText("server_address", str(getAttr(span.Attributes(), "server.address")))
}

// spanIDs returns the span's trace and span ids in hex, as their String
// methods do ("" for an empty id), and the record's reference id
// "<trace id>-<span id>", all in one allocation when both ids are set.
func spanIDs(span ptrace.Span) (traceID, spanID, ref string) {
	tid, sid := span.TraceID(), span.SpanID()
	if tid.IsEmpty() || sid.IsEmpty() {
		traceID, spanID = tid.String(), sid.String()
		return traceID, spanID, traceID + "-" + spanID
	}
	var b [32 + 1 + 16]byte
	hex.Encode(b[:32], tid[:])
	b[32] = '-'
	hex.Encode(b[33:], sid[:])
	ref = string(b[:])
	return ref[:32], ref[33:], ref
}

// finish turns the draft into the record: segmentation fields with their
// resource and config fallbacks, system instructions, derived totals,
// truncation and user_query.
func (t *Translator) finish(in spanInput, d *draft) (Record, int) {
	r, seg := &d.rec, &d.seg
	resAttrs := in.res.Attributes()
	r.SessionID = seg.session.val
	r.CustomerUserID = seg.user.val
	r.CustomerID = seg.customer.val
	r.Environment = t.environment(seg.environment, resAttrs)
	r.PromptSlug = firstString(seg.promptSlug.val, t.opts.PromptSlug)
	r.Tags = t.tagsWith(seg.tags)
	for k, v := range seg.metadata {
		d.setCustom(k, v)
	}
	d.setText("service_name", str(getAttr(resAttrs, "service.name")))
	// The API rejects a record without a model; a span that names none is
	// still a model call worth its prompt and response.
	r.LanguageModelID = firstString(d.model.val, UnknownModel)

	r.Prompt = withSystem(r.Prompt, d.system, d.systemLit)
	if r.Prompt == nil {
		r.Prompt = []Message{}
	}
	switch {
	case r.TotalTokens != nil || r.PromptTokens == nil:
	case r.CompletionTokens != nil:
		r.TotalTokens = d.int64p(*r.PromptTokens + *r.CompletionTokens)
	case d.class == classEmbedding:
		r.TotalTokens = d.int64p(*r.PromptTokens) // embeddings produce no tokens
	}

	r.CustomAttributes.sortKeys()
	truncated := truncate(r, t.opts.MaxFieldBytes)
	r.UserQuery = firstString(lastUserText(r.Prompt), d.query)
	return d.rec, truncated
}

// environment picks the record's environment (spec S.4): the deployment
// keys of the span, then of the resource, then metadata keys, then config.
func (t *Translator) environment(env ranked, resAttrs pcommon.Map) string {
	if env.val != "" && env.rank <= envOld {
		return env.val
	}
	return firstString(
		str(getAttr(resAttrs, "deployment.environment.name")),
		str(getAttr(resAttrs, "deployment.environment")),
		env.val,
		t.opts.Environment)
}

// tagsWith returns the config tags followed by the span's, deduplicated.
func (t *Translator) tagsWith(span []string) []string {
	if len(span) == 0 {
		return t.tags
	}
	return dedupe(append(slices.Clone(t.tags), span...))
}

// withSystem prepends the system instructions as a system message unless
// the prompt has a system (or developer) message already.
func withSystem(prompt []Message, system, lit string) []Message {
	if system == "" {
		return prompt
	}
	for i := range prompt {
		if prompt[i].Role == "system" || prompt[i].Role == "developer" {
			return prompt
		}
	}
	var content json.RawMessage
	if lit != "" {
		content = literalContent(lit)
	} else {
		content = jsonString(system)
	}
	return slices.Insert(prompt, 0, Message{Role: "system"}.withBuilt(content))
}

// lastUserText returns the text of the last user message: the user_query.
func lastUserText(prompt []Message) string {
	for i := len(prompt) - 1; i >= 0; i-- {
		if prompt[i].Role == "user" {
			if s, ok := prompt[i].built.text(prompt[i].Content); ok {
				return s
			}
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

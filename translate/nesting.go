package translate

import (
	"iter"
	"slices"
)

// nest marks wrappers (spec S.2 W2): an LLM span with an LLM descendant,
// and no tool or agent span between them, is a framework layer over the
// same request (LangChain over OpenAI, LiteLLM over a provider), so only
// the innermost span is a record. The same holds for embeddings. A model
// call made inside a tool or by a sub-agent is a call of its own.
func (b *batch) nest(recordable func(class) bool) {
	for i := range b.nodes {
		if recordable(b.nodes[i].class) {
			for w := range b.wrappers(int32(i)) {
				b.nodes[w].wrapper = true
			}
		}
	}
	for i := range b.nodes {
		if n := &b.nodes[i]; recordable(n.class) && !n.wrapper {
			for w := range b.wrappers(int32(i)) {
				b.nodes[w].inner++
			}
		}
	}
}

// wrappers yields the ancestors of i that wrap it: of its class, with no
// tool or agent span on the way; nearest first.
func (b *batch) wrappers(i int32) iter.Seq[int32] {
	c := b.nodes[i].class
	return func(yield func(int32) bool) {
		for p := range b.ancestors(i) {
			switch b.nodes[p].class {
			case classTool, classAgent:
				return
			case c:
				if !yield(p) {
					return
				}
			}
		}
	}
}

// absorbWrappers fills what record i lacks from the spans that wrap it,
// nearest first (W3): a framework span often has the content or options
// that the provider span, with content capture off, has not.
func (b *batch) absorbWrappers(t *Translator, i int32, d *draft) {
	for w := range b.wrappers(i) {
		d.absorb(b.draftOf(t, w), b.nodes[w].inner == 1)
	}
}

// absorb fills the fields d lacks from w, the draft of a span wrapping the
// same call. The response, token counts and cost are taken only when w
// wraps no other call (sole): a wrapper of a failed attempt and its retry
// carries the retry's answer and the sum of their usage. A failed call has
// no response to take either. What is taken is copied, so records share
// nothing a later step changes.
func (d *draft) absorb(w *draft, sole bool) {
	r, from := &d.rec, &w.rec
	if len(r.Prompt) == 0 {
		if len(from.Prompt) > 0 {
			r.Prompt = cloneMessages(from.Prompt)
		}
		if d.system == "" {
			d.system, d.systemLit = w.system, w.systemLit
		}
	}
	if sole && !d.responseSet && w.responseSet && !d.failed() {
		r.Response, r.ToolCalls = from.Response, cloneToolCalls(from.ToolCalls)
		d.responseSet = true
	}
	if r.Tools == nil {
		r.Tools = slices.Clone(from.Tools)
	}
	if from.ModelOptions != nil {
		d.absorbOptions(from.ModelOptions)
	}
	d.model.fill(w.model)
	if sole && r.PromptTokens == nil && r.CompletionTokens == nil && r.TotalTokens == nil {
		r.PromptTokens = clonePtr(from.PromptTokens)
		r.CompletionTokens = clonePtr(from.CompletionTokens)
		r.TotalTokens = clonePtr(from.TotalTokens)
	}
	if sole && r.Cost == nil {
		r.Cost = clonePtr(from.Cost)
	}
	for _, a := range from.CustomAttributes {
		if a.Key != "otel_dropped_attributes" { // says something of w's span, not of d's
			d.rec.CustomAttributes.setDefault(a)
		}
	}
	d.seg.fill(&w.seg)
}

// failed reports whether the span of d records a failed call.
func (d *draft) failed() bool { return d.rec.StatusCode != 200 }

// absorbOptions fills the model options d lacks from o.
func (d *draft) absorbOptions(o *ModelOptions) {
	mine := d.options()
	if mine.Temperature == nil {
		mine.Temperature = clonePtr(o.Temperature)
	}
	if mine.MaxCompletionTokens == nil {
		mine.MaxCompletionTokens = clonePtr(o.MaxCompletionTokens)
	}
	if mine.Stop == nil {
		mine.Stop = slices.Clone(o.Stop)
	}
	if mine.TopP == nil {
		mine.TopP = clonePtr(o.TopP)
	}
	for _, a := range o.ExtraOptions {
		d.setExtra(a.Key, a.Value())
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cloneMessages copies messages and their tool calls.
func cloneMessages(msgs []Message) []Message {
	out := slices.Clone(msgs)
	for i := range out {
		out[i].ToolCalls = cloneToolCalls(out[i].ToolCalls)
	}
	return out
}

func cloneToolCalls(calls []ToolCall) []ToolCall { return slices.Clone(calls) }

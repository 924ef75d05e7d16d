package translate

import (
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// A reader reads one attribute dialect (a convention, or one priority tier
// of it) into a draft record. Readers run in the order readers lists them
// and fill only content fields still empty, so an earlier reader wins a
// field both define. Segmentation fields (segment.go) and the model id
// (draft.model) are ranked instead, because spec S.4 interleaves the
// conventions there.
type reader func(in spanInput, d *draft)

// readers returns the readers in the priority order of spec S.4's prompt
// and response rows: [G], [GL] events, [OLL], [OI], [V], [GL] plain
// content, [OI] raw input/output.
func readers() []reader {
	return []reader{
		readGenAI,              // OTel GenAI v1.37+ and AI SDK 7
		readGenAIMessageEvents, // GenAI v1.28–1.36 message and choice events
		readOpenLLMetry,        // Traceloop's indexed gen_ai.prompt.N.* and llm.*
		readOpenInference,      // llm.input_messages.N.* and friends
		readVercel,             // Vercel AI SDK ≤ 6 ai.* spans
		readGenAIContent,       // GenAI v1.26–1.27 content events, plain gen_ai.prompt
		readOpenInferenceRaw,   // OpenInference input.value / output.value
	}
}

// spanInput is the span a reader reads, with its resource and scope.
type spanInput struct {
	res   pcommon.Resource
	scope pcommon.InstrumentationScope
	span  ptrace.Span
}

// draft is a record being filled by the readers, plus what they need to
// tell each other and the cross-span rules.
type draft struct {
	rec   Record
	class class // classLLM or classEmbedding

	// responseSet is true once a reader found the output, even when it had
	// no text (only tool calls), so later readers leave it alone.
	responseSet bool

	// system is the text of separately passed system instructions; it is
	// prepended to the prompt at the end unless the prompt has its own.
	// systemLit, when set, is that text's canonical JSON literal, taken as
	// the system message's content without encoding the text again.
	system, systemLit string

	keys   readerKeys  // the readers with attributes of theirs on the span
	legacy legacyGenAI // readGenAI's find for readGenAIMessageEvents

	model ranked  // language_model_id candidates (ranks below)
	seg   segment // session, user, customer, environment, slug, tags, metadata

	// query is the retrieval query of the RAG context, the user_query when
	// the prompt has no user message.
	query string

	// attrs is where the record's custom attributes start out, so that a
	// record's draft and attributes are one allocation; a record with more
	// moves them to an array of its own.
	attrs [16]Attribute

	// ints, floats and opts hold what the record's pointer fields point
	// at, for the same reason: token counts, cost and model options, and
	// extra the first extra option (one more would take the draft, with
	// its malloc header, past its size class of 1,792 bytes).
	ints   [4]int64
	floats [3]float64
	nInts  uint8
	nFloat uint8
	opts   ModelOptions
	extra  [1]Attribute
}

// setCustom sets custom attribute key unless it is set or v is empty.
func (d *draft) setCustom(key string, v any) {
	switch v := v.(type) {
	case string:
		if v == "" {
			return
		}
	case []string:
		if len(v) == 0 {
			return
		}
	}
	d.rec.CustomAttributes.setDefault(attribute(key, v))
}

// setText sets custom attribute key to s unless it is set or s is empty.
func (d *draft) setText(key, s string) {
	if s != "" {
		d.rec.CustomAttributes.setDefault(textAttribute(key, s))
	}
}

// setTokens sets the token counts still unknown.
func (d *draft) setTokens(prompt, completion, total pcommon.Value) {
	d.setCount(&d.rec.PromptTokens, prompt)
	d.setCount(&d.rec.CompletionTokens, completion)
	d.setCount(&d.rec.TotalTokens, total)
}

// setCount sets *dst to v unless it is set or v is no count.
func (d *draft) setCount(dst **int64, v pcommon.Value) {
	if *dst != nil {
		return
	}
	if n, ok := intValue(v); ok && n >= 0 {
		*dst = d.int64p(n)
	}
}

// setInt sets *dst to n unless it is set.
func (d *draft) setInt(dst **int64, n int64) {
	if *dst == nil {
		*dst = d.int64p(n)
	}
}

// setFloat sets *dst to f unless it is set.
func (d *draft) setFloat(dst **float64, f float64) {
	if *dst == nil {
		*dst = d.float64p(f)
	}
}

// int64p returns a pointer to n, in the draft while it has room.
func (d *draft) int64p(n int64) *int64 { return slot(d.ints[:], &d.nInts, n) }

// float64p returns a pointer to f, in the draft while it has room.
func (d *draft) float64p(f float64) *float64 { return slot(d.floats[:], &d.nFloat, f) }

// slot puts v in the next free element of arr and returns a pointer to it,
// or to a new variable once arr is full. (Returning &v would move v to the
// heap on every call, not only when arr is full.)
func slot[T int64 | float64](arr []T, used *uint8, v T) *T {
	var p *T
	if int(*used) < len(arr) {
		p = &arr[*used]
		*used++
	} else {
		p = new(T)
	}
	*p = v
	return p
}

// options returns the record's model options, setting them on first use
// so a span without any leaves them nil.
func (d *draft) options() *ModelOptions {
	if d.rec.ModelOptions == nil {
		d.rec.ModelOptions = &d.opts
	}
	return d.rec.ModelOptions
}

// setExtra sets an extra model option unless it is set.
func (d *draft) setExtra(key string, v any) {
	o := d.options()
	i, ok := o.ExtraOptions.find(key)
	if ok {
		return
	}
	if o.ExtraOptions == nil && o == &d.opts {
		o.ExtraOptions = d.extra[:0]
	}
	o.ExtraOptions = slices.Insert(o.ExtraOptions, i, attribute(key, v))
}

// setPrompt sets the prompt from decoded messages, or from text that was
// not a message list, unless a reader set it already.
func (d *draft) setPrompt(msgs []wireMessage, text string) {
	if d.rec.Prompt == nil {
		d.rec.Prompt = promptOf(msgs, text)
	}
}

// setPromptFrom sets the prompt from a message-list attribute unless a
// reader set it already.
func (d *draft) setPromptFrom(v pcommon.Value) {
	if d.rec.Prompt == nil {
		d.rec.Prompt = readPrompt(v)
	}
}

// setResponse sets the response from the first of the decoded output
// messages (the first choice), or from text, unless a reader set it already.
func (d *draft) setResponse(msgs []wireMessage, text string) {
	if !d.responseSet {
		out := outputOf(msgs, text, false)
		d.setOutput(&out)
	}
}

// Ranks of the language_model_id sources (spec S.4): the response models of
// every convention come before the request models.
const (
	modelGenAIResponse  uint8 = iota // gen_ai.response.model
	modelOIResponse                  // llm.response.model_name
	modelOIName                      // llm.model_name (the response model when known)
	modelVercelResponse              // ai.response.model
	modelGenAIRequest                // gen_ai.request.model
	modelOIRequest                   // llm.request.model_name
	modelVercel                      // ai.model.id
	modelOIEmbedding                 // embedding.model_name
)

// Custom attributes shared by several conventions.
const (
	customCacheRead  = "cache_read_input_tokens"
	customCacheWrite = "cache_write_input_tokens"
	customReasoning  = "reasoning_tokens"
	customTTFT       = "time_to_first_chunk_ms"
)

// setDetail sets a token-detail custom attribute (cache reads and writes,
// reasoning tokens) when v is a positive count: a zero says nothing.
func (d *draft) setDetail(key string, v pcommon.Value) {
	if n, ok := intValue(v); ok && n > 0 {
		d.setCustom(key, n)
	}
}

// setTTFT sets the time to the first streamed chunk, in milliseconds.
func (d *draft) setTTFT(ms float64) {
	if ms >= 0 && finite(ms) {
		d.setCustom(customTTFT, ms)
	}
}

// setFinishReasons sets custom_attributes.finish_reasons, mapped to
// OpenAI's (spec S.5), unless a reader set them.
func (d *draft) setFinishReasons(reasons []string) {
	for i, r := range reasons {
		reasons[i] = finishReason(r)
	}
	d.setCustom("finish_reasons", reasons)
}

// setFinishReason is setFinishReasons for the one reason most calls have.
func (d *draft) setFinishReason(r string) {
	if r == "" {
		return
	}
	switch r = finishReason(r); r {
	case "stop":
		d.setCustom("finish_reasons", reasonsStop)
	case "length":
		d.setCustom("finish_reasons", reasonsLength)
	case "tool_calls":
		d.setCustom("finish_reasons", reasonsToolCalls)
	default:
		d.setCustom("finish_reasons", []string{r})
	}
}

// The lists of the common single finish reasons, made and put in an
// interface once: records share them, which holds because no step writes
// a custom attribute's value in place (redaction and truncation replace
// values); a list of its own cost a record two allocations.
var (
	reasonsStop      any = []string{"stop"}
	reasonsLength    any = []string{"length"}
	reasonsToolCalls any = []string{"tool_calls"}
)

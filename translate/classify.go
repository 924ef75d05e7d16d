package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// class is what a span records, as far as inference logs are concerned
// (spec S.1). Only classLLM spans, and classEmbedding spans when
// Options.IncludeEmbeddings is set, become records.
type class uint8

const (
	classUnknown   class = iota // the convention has nothing to say; ask the next
	classLLM                    // one model call: chat, completion, generation
	classEmbedding              // embeddings
	classRetriever              // retrieval or reranking: a source of context
	classTool                   // tool execution
	classAgent                  // an agent or agent step: with tools, a barrier for nesting (S.2 W2)
	classOther                  // workflows, chains, wrappers, anything else
)

// signals are the attributes classification looks at, gathered in one pass
// so that the cost of skipping a span does not grow with the number of
// conventions.
type signals struct {
	oiKind      pcommon.Value // openinference.span.kind (C1)
	operation   pcommon.Value // gen_ai.operation.name (C2)
	aiOperation pcommon.Value // ai.operationId (C3)
	opName      pcommon.Value // operation.name (C3)
	requestType pcommon.Value // llm.request.type (C4)
	spanKind    pcommon.Value // traceloop.span.kind (C4)
	dbSystem    bool          // db.system or db.system.name (C4 vector databases)
	model       bool          // a model key with a value (C5)
	evidence    bool          // an attribute only a model call carries (C5)
	toolName    bool          // gen_ai.tool.name (C5)
	seen        bool          // any of the above

	// contextOnly is the exporter's mark on the spans around a retried
	// record (ContextOnly): not a signal, but gathered in the same pass.
	contextOnly bool

	// keys are the readers with keys of theirs on the span (gate.go), also
	// gathered in this pass: for an LLM span, it costs a few more cases
	// in the switches below; for most other spans, nothing.
	keys readerKeys
}

// signalInitials are the first letters of the keys gather looks at, one
// bit per letter from 'a'.
const signalInitials = 1<<('g'-'a') | 1<<('l'-'a') | 1<<('a'-'a') | 1<<('o'-'a') | 1<<('t'-'a') | 1<<('d'-'a') | 1<<('e'-'a')

// gather records the signals among attrs. It must not allocate, and it
// looks at the key's first letter first, so that the keys of ordinary
// spans (http.*, url.*, …) cost one well-predicted test each: a switch on
// the letter costs a mispredicted jump for most of them.
func (s *signals) gather(attrs pcommon.Map) {
	for k, v := range attrs.All() {
		if k == "" {
			continue
		}
		if letter := uint(k[0] - 'a'); letter >= 32 || signalInitials>>letter&1 == 0 {
			continue
		}
		switch k[0] {
		case 'g':
			if rest, ok := strings.CutPrefix(k, "gen_ai."); ok {
				s.genai(rest, v)
				s.seen = true
			}
		case 'l':
			if rest, ok := strings.CutPrefix(k, "llm."); ok {
				s.llm(rest, v)
				s.seen = true
			}
		case 'a':
			switch k {
			case keyAIOperationID:
				s.aiOperation, s.seen = v, true
			case ContextOnly:
				s.contextOnly = v.Type() == pcommon.ValueTypeBool && v.Bool()
			}
			if strings.HasPrefix(k, "ai.") {
				s.keys |= keysVercel
			}
		case 'o':
			switch k {
			case keyOISpanKind:
				s.oiKind, s.seen = v, true
			case keyAIOperationName:
				s.opName, s.seen = v, true
				s.keys |= keysVercel
			}
		case 't':
			if k == keyTraceloopSpanKind {
				s.spanKind, s.seen = v, true
			}
			if strings.HasPrefix(k, "traceloop.") {
				s.keys |= keysOpenLLMetry
			}
		case 'd':
			if k == "db.system" || k == "db.system.name" {
				s.dbSystem, s.seen = true, true
			}
		case 'e':
			if strings.HasPrefix(k, "embedding.") {
				s.keys |= keysOpenInference
			}
		}
	}
}

// genai records the signal of gen_ai.<name>, and whether it is a key of
// readOpenLLMetry's: an indexed message or a key only its packages write.
func (s *signals) genai(name string, v pcommon.Value) {
	switch name {
	case "operation.name":
		s.operation = v
	case "request.model", "response.model":
		s.model = s.model || hasText(v)
	case "tool.name":
		s.toolName = true
	case "input.messages", "output.messages":
		s.evidence = true
	case "prompt", "completion":
		s.evidence = true
		s.keys |= keysGenAIContent
	case "usage.cache_read_input_tokens", "usage.cache_creation_input_tokens", "usage.reasoning_tokens":
		s.evidence = true
		s.keys |= keysOpenLLMetry
	case "response.finish_reason", "response.stop_reason", "request.repetition_penalty", "request.n",
		"is_streaming", "request.reasoning_effort", "request.structured_output_schema":
		s.keys |= keysOpenLLMetry
	default:
		if strings.HasPrefix(name, "usage.") {
			s.evidence = true
		} else if indexedKey(name, "prompt.") { // gen_ai.prompt.<N>.*, not gen_ai.prompt.name
			s.evidence = true
			s.keys |= keysOpenLLMetry
		} else if indexedKey(name, "completion.") {
			s.keys |= keysOpenLLMetry
		}
	}
}

// llm records the signal of llm.<name>, and whose key it is: OpenInference
// and OpenLLMetry share the llm.* namespace, each with keys of its own.
func (s *signals) llm(name string, v pcommon.Value) {
	switch name {
	case "request.type":
		s.requestType = v
	case "model_name":
		s.model = s.model || hasText(v)
		s.keys |= keysOpenInference
	case "token_count.prompt", "token_count.completion", "token_count.total",
		"token_count.prompt_details.cache_read", "token_count.prompt_details.cache_write",
		"token_count.completion_details.reasoning":
		s.evidence = true
		s.keys |= keysOpenInference
	case "response.model_name", "request.model_name", "provider", "system", "invocation_parameters",
		"finish_reason", "cost.total", "prompt_template.template", "prompt_template.version",
		"prompt_template.variables":
		s.keys |= keysOpenInference
	case "usage.total_tokens", "usage.reasoning_tokens", "response.finish_reason", "response.stop_reason",
		"chat.stop_sequences", "top_k", "frequency_penalty", "presence_penalty", "request.repetition_penalty",
		"is_streaming", "request.reasoning_effort":
		s.keys |= keysOpenLLMetry
	default:
		switch {
		case strings.HasPrefix(name, "token_count."):
			s.evidence = true
		case strings.HasPrefix(name, "input_messages."):
			s.evidence = true
			if indexedKey(name, "input_messages.") {
				s.keys |= keysOpenInference
			}
		case indexedKey(name, "output_messages."), indexedKey(name, "tools."),
			indexedKey(name, "prompts."), indexedKey(name, "choices."):
			s.keys |= keysOpenInference
		case indexedKey(name, "request.functions."):
			s.keys |= keysOpenLLMetry
		}
	}
}

// strValue returns v's text when v is a string, without allocating.
func strValue(v pcommon.Value) (string, bool) {
	if !present(v) || v.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	return v.Str(), true
}

// hasText reports a value that is not empty and not redacted, without
// allocating.
func hasText(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		s := v.Str()
		return s != "" && s != redacted
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		return true
	}
	return false
}

// classify decides what span records. The conventions are asked in the
// order of spec S.1 (OpenInference, GenAI, Vercel AI SDK, OpenLLMetry) and
// the first that recognises the span decides; when none does, the span
// must carry a model and evidence of a model call (C5).
//
// Most spans are not LLM spans, so this path reads each attribute once and
// allocates nothing.
func classify(span ptrace.Span) class {
	c, _, _ := classifyKeys(span)
	return c
}

// classifyKeys is classify, and also returns the readers with keys on the
// span and whether the exporter marked it ContextOnly.
func classifyKeys(span ptrace.Span) (c class, keys readerKeys, contextOnly bool) {
	var s signals
	s.gather(span.Attributes())
	return s.classify(span), s.keys, s.contextOnly
}

func (s *signals) classify(span ptrace.Span) class {
	if !s.seen {
		return classOther // the common case: no key any convention classifies by
	}
	if c := classifyOpenInference(s.oiKind); c != classUnknown {
		return c
	}
	if c := classifyGenAI(s.operation); c != classUnknown {
		return c
	}
	if c := classifyVercel(s.aiOperation, s.opName); c != classUnknown {
		return c
	}
	if c := classifyOpenLLMetry(s, span.Events()); c != classUnknown {
		return c
	}
	return classifyByEvidence(s, span.Events())
}

// classifyByEvidence is the fallback (C5): a model key, evidence of a model
// call, and no tool name.
func classifyByEvidence(s *signals, events ptrace.SpanEventSlice) class {
	switch {
	case !s.model:
		return classOther
	case s.toolName:
		return classTool
	case s.evidence || hasContentEvent(events):
		return classLLM
	}
	return classOther
}

// hasContentEvent reports whether a span event carries model-call content:
// the GenAI details event or a legacy message, choice or content event.
func hasContentEvent(events ptrace.SpanEventSlice) bool {
	for i := 0; i < events.Len(); i++ {
		switch name := events.At(i).Name(); name {
		case eventDetails, eventChoice, eventContentPrompt, eventContentCompletion:
			return true
		default:
			if messageEventRole(name) != "" {
				return true
			}
		}
	}
	return false
}

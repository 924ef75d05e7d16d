package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// class is what a span records, as far as inference logs are concerned
// (spec S.1). Only classLLM spans become records.
type class uint8

const (
	classUnknown   class = iota // the convention has nothing to say; ask the next
	classLLM                    // one model call: chat, completion, generation
	classEmbedding              // embeddings: not an inference log
	classRetriever              // retrieval: a source of context, not a record
	classTool                   // tool execution
	classOther                  // agents, workflows, wrappers, anything else
)

// classify decides whether span is an LLM span. Conventions are asked in
// order and the first that recognises the span decides; when none does, the
// span must carry a model and evidence of a model call (spec S.1 C5).
//
// Most spans are not LLM spans, so this path only looks up a few keys and
// allocates nothing.
func classify(span ptrace.Span, conventions []convention) class {
	attrs := span.Attributes()
	for i := range conventions {
		if c := conventions[i].classify; c != nil {
			if k := c(attrs); k != classUnknown {
				return k
			}
		}
	}
	return classifyByEvidence(span)
}

// operationClass maps gen_ai.operation.name to a class (spec S.1 C2).
// Agent and workflow operations are never LLM spans: they carry the
// aggregate usage and messages of the calls beneath them.
func operationClass(op string) class {
	switch op {
	case "chat", "text_completion", "generate_content", "completion", "generate", "response":
		return classLLM
	case "embeddings", "embedding":
		return classEmbedding
	case "retrieval", "vector_db_retrieve":
		return classRetriever
	case "execute_tool":
		return classTool
	case "invoke_agent", "create_agent", "agent_step", "invoke_workflow", "plan", "execute_task":
		return classOther
	case "", redacted:
		return classUnknown
	}
	if lower := strings.ToLower(op); lower != op {
		return operationClass(lower)
	}
	return classUnknown
}

// classifyByEvidence is the fallback (C5): a model key, evidence of a model
// call, and no tool name. Only GenAI keys count as evidence so far; the keys
// of other conventions join when their readers do.
func classifyByEvidence(span ptrace.Span) class {
	attrs := span.Attributes()
	if !hasModel(attrs) {
		return classOther
	}

	evidence := false
	for k := range attrs.All() {
		switch {
		case k == "gen_ai.tool.name":
			return classTool
		case strings.HasPrefix(k, "gen_ai.usage."),
			k == "gen_ai.input.messages", k == "gen_ai.output.messages",
			k == "gen_ai.prompt", k == "gen_ai.completion":
			evidence = true
		}
	}
	if evidence || hasContentEvent(span.Events()) {
		return classLLM
	}
	return classOther
}

func hasModel(attrs pcommon.Map) bool {
	if v, ok := attrs.Get(keyRequestModel); ok && str(v) != "" {
		return true
	}
	v, ok := attrs.Get(keyResponseModel)
	return ok && str(v) != ""
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

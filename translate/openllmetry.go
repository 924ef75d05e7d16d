package translate

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Keys of OpenLLMetry (Traceloop), spec section B. Its newest packages
// write gen_ai.input.messages and friends, which readGenAI reads; older
// ones, and several packages still today, write the indexed form read
// here.
const (
	keyRequestType       = "llm.request.type"
	keyTraceloopSpanKind = "traceloop.span.kind"

	keyOLLPrompt     = "gen_ai.prompt."     // gen_ai.prompt.<N>.{role,content,tool_call_id,tool_calls.<M>.*}
	keyOLLCompletion = "gen_ai.completion." // gen_ai.completion.<N>.{…,finish_reason,refusal}
	keyOLLFunctions  = "llm.request.functions."

	keyOLLTemplateVariables = "traceloop.prompt.template_variables."
)

// classifyOpenLLMetry classifies by llm.request.type, vector-database
// result events and traceloop.span.kind (spec S.1 C4).
func classifyOpenLLMetry(s *signals, events ptrace.SpanEventSlice) class {
	if t, ok := strValue(s.requestType); ok {
		switch strings.ToLower(t) {
		case "chat", "completion":
			return classLLM
		case "embedding":
			return classEmbedding
		case "rerank":
			return classOther
		}
	}
	if s.dbSystem && hasVectorResults(events) {
		return classRetriever
	}
	if k, ok := strValue(s.spanKind); ok {
		switch strings.ToLower(k) {
		case "workflow", "task":
			return classOther
		case "agent":
			return classAgent
		case "tool":
			return classTool
		}
	}
	return classUnknown
}

// Vector-database spans record each hit as an event.
const (
	eventQueryResult  = "db.query.result"
	eventSearchResult = "db.search.result"
)

func hasVectorResults(events ptrace.SpanEventSlice) bool {
	for i := 0; i < events.Len(); i++ {
		if name := events.At(i).Name(); name == eventQueryResult || name == eventSearchResult {
			return true
		}
	}
	return false
}

// readOpenLLMetry reads the indexed prompt and completion, the legacy
// function definitions, usage totals and the llm.* request options. Keys it
// shares with the GenAI conventions (gen_ai.usage.*, gen_ai.request.*)
// are readGenAI's.
func readOpenLLMetry(in spanInput, d *draft) {
	if d.keys&keysOpenLLMetry == 0 {
		return
	}
	lists := takeFlatLists()
	defer lists.release()
	prompt, completion, functions := &lists[0], &lists[1], &lists[2]
	var (
		total, finish pcommon.Value
		variables     bool // a traceloop.prompt.template_variables.* key was seen
	)
	room := in.span.Attributes().Len()
	for k, v := range in.span.Attributes().All() {
		// Constant prefixes are compared inline: most keys are looked at
		// by one or two of these and no call.
		switch {
		case strings.HasPrefix(k, keyOLLPrompt):
			if prompt.addIndexed(k[len(keyOLLPrompt):], v, room) {
				continue
			}
		case strings.HasPrefix(k, keyOLLCompletion):
			if completion.addIndexed(k[len(keyOLLCompletion):], v, 16) {
				continue
			}
		case strings.HasPrefix(k, keyOLLFunctions):
			if functions.addIndexed(k[len(keyOLLFunctions):], v, 16) {
				continue
			}
		case strings.HasPrefix(k, keyOLLTemplateVariables):
			variables = true
			continue
		case !strings.HasPrefix(k, "gen_ai.") && !strings.HasPrefix(k, "llm.") && !strings.HasPrefix(k, "traceloop."):
			continue // cheaply past the other conventions' keys
		}
		switch k {
		case "llm.usage.total_tokens":
			total = v
		case "gen_ai.usage.cache_read_input_tokens":
			d.setDetail(customCacheRead, v)
		case "gen_ai.usage.cache_creation_input_tokens":
			d.setDetail(customCacheWrite, v)
		case "gen_ai.usage.reasoning_tokens", "llm.usage.reasoning_tokens":
			d.setDetail(customReasoning, v)
		case "llm.response.finish_reason", "llm.response.stop_reason",
			"gen_ai.response.finish_reason", "gen_ai.response.stop_reason":
			finish = v
		case "llm.chat.stop_sequences":
			if stop := stringsValue(v); stop != nil && d.options().Stop == nil {
				d.options().Stop = stop
			}
		case "llm.top_k":
			if n, ok := numberValue(v); ok {
				d.setExtra("top_k", n)
			}
		case "llm.frequency_penalty", "llm.presence_penalty",
			"llm.request.repetition_penalty", "gen_ai.request.repetition_penalty":
			if f, ok := floatValue(v); ok {
				d.setExtra(k[strings.LastIndexByte(k, '.')+1:], f)
			}
		case "gen_ai.request.n":
			if n, ok := intValue(v); ok {
				d.setExtra("n", n)
			}
		case "gen_ai.is_streaming", "llm.is_streaming":
			if b, ok := boolValue(v); ok {
				d.setExtra("stream", b)
			}
		case "gen_ai.request.reasoning_effort", "llm.request.reasoning_effort":
			if s := str(v); s != "" {
				d.setExtra("reasoning_effort", s)
			}
		case "gen_ai.request.structured_output_schema":
			if s := str(v); s != "" {
				d.setExtra("structured_output_schema", s)
			}
		case "traceloop.prompt.version":
			d.setText("prompt_version", str(v))
		case "traceloop.prompt.template":
			d.setText("prompt_template", str(v))
		case "traceloop.workflow.name":
			d.setText("workflow_name", str(v))
		}
	}
	if variables {
		readPromptVariables(in.span.Attributes(), keyOLLTemplateVariables, d)
	}
	d.setTokens(pcommon.Value{}, pcommon.Value{}, total)

	readPrompt := d.rec.Prompt == nil && len(*prompt) > 0
	var arena textArena // the texts of prompt and completion, in one array
	if readPrompt || len(*completion) > 0 {
		n := completion.textSize("content")
		if readPrompt {
			n += prompt.textSize("content")
		}
		arena = newTextArena(n)
	}
	if readPrompt {
		d.rec.Prompt = indexedPrompt(*prompt, &arena)
	}
	if len(*completion) > 0 {
		// Most calls have one choice, which then needs no list on the heap.
		var one [1]wireMessage
		choices := appendIndexedMessages(one[:0], *completion, &arena)
		if !d.responseSet {
			d.setResponse(choices, "")
		}
		if len(choices) == 1 {
			d.setFinishReason(string(choices[0].FinishReason))
		} else {
			var reasons []string
			for i := range choices {
				if r := choices[i].FinishReason; r != "" {
					reasons = append(reasons, string(r))
				}
			}
			d.setFinishReasons(reasons)
		}
	}
	if r := str(finish); r != "" {
		d.setFinishReason(r)
	}
	if d.rec.Tools == nil && len(*functions) > 0 {
		d.rec.Tools = indexedFunctions(*functions)
	}
}

// appendIndexedMessages appends the messages of gen_ai.prompt.<N>.* or
// gen_ai.completion.<N>.* to msgs, in index order; gaps are skipped. Their
// texts are written into arena, or each into its own array when arena is nil.
func appendIndexedMessages(msgs []wireMessage, l flatList, arena *textArena) []wireMessage {
	for _, item := range l.groups() {
		var m wireMessage
		if m.readIndexed(item, arena) {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// indexedPrompt converts the messages of gen_ai.prompt.<N>.* to the
// prompt as promptOf(appendIndexedMessages(nil, l, nil), "") does, one
// message at a time and with all their texts written into arena: a long
// conversation costs neither a list of decoded messages nor an allocation
// per text.
func indexedPrompt(l flatList, arena *textArena) []Message {
	var (
		prompt []Message
		m      wireMessage
	)
	for _, item := range l.groups() {
		m.reset()
		if !m.readIndexed(item, arena) {
			continue
		}
		if prompt == nil {
			prompt = make([]Message, 0, l.count()+1) // room for system instructions
		}
		prompt = appendOpenAI(prompt, &m, "user")
	}
	return prompt
}

// readIndexed reads one message of an indexed list, the items of one
// index, into m, which is empty, and reports whether it carries anything.
// Its text is written into arena, or into its own array when arena is nil.
func (m *wireMessage) readIndexed(item flatList, arena *textArena) bool {
	m.Role = anyText(str(item.get("role")))
	m.Name = anyText(str(item.get("name")))
	m.ToolCallID = anyText(str(item.get("tool_call_id")))
	m.FinishReason = anyText(str(item.get("finish_reason")))
	m.setIndexedContent(item.get("content"), arena)
	if len(m.Content) == 0 {
		// A refused request answers with the refusal text.
		m.setIndexedContent(item.get("refusal"), arena)
	}
	for _, call := range item.sub("tool_calls.").groups() {
		m.ToolCalls = append(m.ToolCalls, indexedToolCall(call))
	}
	// Before mid-2024 only the first call was recorded, as function_call.
	if name := str(item.get("function_call.name")); name != "" {
		var c wireToolCall
		c.Function.Name = anyText(name)
		c.Function.Arguments = textValue(item.get("function_call.arguments"))
		m.ToolCalls = append(m.ToolCalls, c)
	}
	return !m.empty()
}

// indexedToolCall reads tool_calls.<M>.{id,name,arguments}; some packages
// nest name and arguments under function.
func indexedToolCall(l flatList) wireToolCall {
	var c wireToolCall
	c.ID = anyText(str(l.get("id")))
	c.Function.Name = anyText(firstString(str(l.get("name")), str(l.get("function.name"))))
	c.Function.Arguments = textValue(l.get("arguments"))
	if c.Function.Arguments == "" {
		c.Function.Arguments = textValue(l.get("function.arguments"))
	}
	return c
}

// setIndexedContent sets m's content from an indexed content attribute:
// text as a JSON string, or the OpenAI content-part array that multimodal
// content was serialised to.
func (m *wireMessage) setIndexedContent(v pcommon.Value, arena *textArena) {
	text := str(v)
	if text == "" {
		m.Content = nil
		return
	}
	if t := strings.TrimSpace(text); t != "" && t[0] == '[' {
		if data := []byte(t); isContentParts(data) {
			m.Content = rawJSON(data)
			return
		}
	}
	m.setTextIn(arena, text)
}

// isContentParts reports whether data is a JSON array of OpenAI content
// parts (objects with a type), not text that happens to start with "[".
func isContentParts(data []byte) bool {
	var parts []struct {
		Type *string `json:"type"`
	}
	if json.Unmarshal(data, &parts) != nil || len(parts) == 0 {
		return false
	}
	for _, p := range parts {
		if p.Type == nil {
			return false
		}
	}
	return true
}

// indexedFunctions reads llm.request.functions.<N>.{name,description,
// parameters} into tools.
func indexedFunctions(l flatList) []Tool {
	var tools []Tool
	for _, item := range l.groups() {
		def := wireTool{
			Name:        anyText(str(item.get("name"))),
			Description: anyText(str(item.get("description"))),
		}
		if p := item.get("parameters"); present(p) {
			if p.Type() == pcommon.ValueTypeStr {
				def.Parameters = json.RawMessage(p.Str())
			} else {
				def.Parameters = valueJSON(p)
			}
		}
		if t, ok := def.openAI(); ok {
			tools = append(tools, t)
		}
	}
	return tools
}

package translate

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Keys of OpenInference (Arize), spec section C.
const (
	keyOISpanKind  = "openinference.span.kind"
	keyOIModelName = "llm.model_name"

	keyOIInput    = "llm.input_messages."  // llm.input_messages.<N>.message.*
	keyOIOutput   = "llm.output_messages." // llm.output_messages.<N>.message.*
	keyOITools    = "llm.tools."           // llm.tools.<N>.tool.json_schema
	keyOIPrompts  = "llm.prompts."         // legacy completions: llm.prompts.<N>.prompt.text
	keyOIChoices  = "llm.choices."         // legacy completions: llm.choices.<N>.completion.text
	keyOIEmbedded = "embedding.embeddings."

	eventOIFirstToken = "First Token Stream Event"
)

// classifyOpenInference classifies by openinference.span.kind (spec S.1
// C1, the highest priority: OpenInference spans may dual-emit gen_ai.*).
func classifyOpenInference(kind pcommon.Value) class {
	k, ok := strValue(kind)
	if !ok {
		return classUnknown
	}
	switch {
	case strings.EqualFold(k, "LLM"):
		return classLLM
	case strings.EqualFold(k, "EMBEDDING"):
		return classEmbedding
	case strings.EqualFold(k, "RETRIEVER"), strings.EqualFold(k, "RERANKER"):
		return classRetriever
	case strings.EqualFold(k, "TOOL"):
		return classTool
	case strings.EqualFold(k, "AGENT"):
		return classAgent
	case strings.EqualFold(k, "CHAIN"), strings.EqualFold(k, "GUARDRAIL"),
		strings.EqualFold(k, "EVALUATOR"), strings.EqualFold(k, "PROMPT"):
		return classOther
	}
	return classUnknown
}

// readOpenInference reads the flattened messages, tools, token counts,
// invocation parameters, cost and prompt template.
func readOpenInference(in spanInput, d *draft) {
	if d.keys&keysOpenInference == 0 {
		readFirstTokenEvent(in, d)
		return
	}
	lists := takeFlatLists()
	defer lists.release()
	input, output, tools := &lists[0], &lists[1], &lists[2]
	prompts, choices, embedded := &lists[3], &lists[4], &lists[5]
	var (
		promptTokens, completionTokens, totalTokens pcommon.Value
		params, finish, cost, modelName             pcommon.Value
	)
	room := in.span.Attributes().Len()
	for k, v := range in.span.Attributes().All() {
		if !strings.HasPrefix(k, "llm.") && !strings.HasPrefix(k, "embedding.") {
			continue // cheaply past the other conventions' keys
		}
		if input.addRoom(k, keyOIInput, v, room) || output.add(k, keyOIOutput, v) || tools.add(k, keyOITools, v) ||
			prompts.add(k, keyOIPrompts, v) || choices.add(k, keyOIChoices, v) || embedded.add(k, keyOIEmbedded, v) {
			continue
		}
		switch k {
		case "llm.response.model_name":
			d.model.offer(modelOIResponse, str(v))
			d.setText("response_model", str(v))
		case keyOIModelName:
			d.model.offer(modelOIName, str(v))
			modelName = v
		case "llm.request.model_name":
			d.model.offer(modelOIRequest, str(v))
			d.setText("request_model", str(v))
		case "embedding.model_name":
			d.model.offer(modelOIEmbedding, str(v))
		case "llm.provider", "llm.system":
			d.setText("provider", str(v))
		case "llm.token_count.prompt":
			promptTokens = v
		case "llm.token_count.completion":
			completionTokens = v
		case "llm.token_count.total":
			totalTokens = v
		case "llm.token_count.prompt_details.cache_read":
			d.setDetail(customCacheRead, v)
		case "llm.token_count.prompt_details.cache_write":
			d.setDetail(customCacheWrite, v)
		case "llm.token_count.completion_details.reasoning":
			d.setDetail(customReasoning, v)
		case "llm.invocation_parameters":
			params = v
		case "llm.finish_reason":
			finish = v
		case "llm.cost.total":
			cost = v
		case "llm.prompt_template.template":
			d.setText("prompt_template", str(v))
		case "llm.prompt_template.version":
			d.setText("prompt_version", str(v))
		case "llm.prompt_template.variables":
			if vars := jsonObject(str(v)); vars != nil {
				d.setCustom("prompt_variables", vars)
			}
		}
	}
	d.setText("response_model", str(modelName)) // llm.model_name is the response model when known
	d.setTokens(promptTokens, completionTokens, totalTokens)
	if f, ok := floatValue(cost); ok && f >= 0 {
		d.setFloat(&d.rec.Cost, f)
	}

	if d.class == classEmbedding {
		if d.rec.Prompt == nil {
			var texts []string
			for _, item := range embedded.groups() {
				texts = append(texts, str(item.get("embedding.text")))
			}
			d.rec.Prompt = userMessages(texts)
		}
	} else {
		readOIContent(*input, *output, *prompts, *choices, d)
		if r := str(finish); r != "" {
			d.setFinishReason(r)
		}
	}
	if d.rec.Tools == nil && len(*tools) > 0 {
		for _, item := range tools.groups() {
			if t, ok := toolFromJSON(str(item.get("tool.json_schema"))); ok {
				d.rec.Tools = append(d.rec.Tools, t)
			}
		}
	}
	readInvocationParameters(params, d)
	readFirstTokenEvent(in, d)
}

// readOIContent reads the prompt from llm.input_messages (or the legacy
// llm.prompts) and the response from the first llm.output_messages (or
// llm.choices).
func readOIContent(input, output, prompts, choices flatList, d *draft) {
	if d.rec.Prompt == nil {
		if len(input) > 0 {
			d.setPrompt(oiMessages(input), "")
		} else if len(prompts) > 0 {
			var texts []string
			for _, item := range prompts.groups() {
				texts = append(texts, str(item.get("prompt.text")))
			}
			d.rec.Prompt = userMessages(texts)
		}
	}
	if d.responseSet {
		return
	}
	if len(output) > 0 {
		d.setResponse(oiMessages(output), "")
	}
	for _, item := range choices.groups() {
		d.setResponse(nil, str(item.get("completion.text")))
		break
	}
}

// oiMessages rebuilds llm.{input,output}_messages.<N>.message.* in index
// order; gaps are skipped.
func oiMessages(l flatList) []wireMessage {
	msgs := make([]wireMessage, 0, l.count())
	arena := arenaFor(l, "message.content")
	for _, item := range l.groups() {
		m := wireMessage{
			Role:       anyText(str(item.get("message.role"))),
			Name:       anyText(str(item.get("message.name"))),
			ToolCallID: anyText(str(item.get("message.tool_call_id"))),
		}
		if parts := oiContents(item.sub("message.contents.")); parts != nil {
			m.Content = parts
		} else if text := str(item.get("message.content")); text != "" {
			m.setTextIn(&arena, text)
		}
		for _, call := range item.sub("message.tool_calls.").groups() {
			var c wireToolCall
			c.ID = anyText(str(call.get("tool_call.id")))
			c.Function.Name = anyText(str(call.get("tool_call.function.name")))
			c.Function.Arguments = textValue(call.get("tool_call.function.arguments"))
			m.ToolCalls = append(m.ToolCalls, c)
		}
		// Legacy OpenAI function calling.
		if name := str(item.get("message.function_call_name")); name != "" {
			var c wireToolCall
			c.Function.Name = anyText(name)
			c.Function.Arguments = textValue(item.get("message.function_call_arguments_json"))
			m.ToolCalls = append(m.ToolCalls, c)
		}
		if !m.empty() {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// oiContents builds OpenAI content parts from message.contents.<K>.
// message_content.*: text and images; audio, reasoning and the rest have no
// OpenAI place and are dropped. nil when there is no text or image.
func oiContents(l flatList) json.RawMessage {
	if len(l) == 0 {
		return nil
	}
	b := []byte{'['}
	n := 0
	for _, item := range l.groups() {
		text, url := item.get("message_content.text"), str(item.get("message_content.image.image.url"))
		switch kind := str(item.get("message_content.type")); {
		case kind == "text" || (kind == "" && present(text)):
			b = appendSep(b, &n)
			b = append(b, `{"type":"text","text":`...)
			b = appendJSONString(b, str(text))
		case (kind == "image" || kind == "") && url != "":
			b = appendSep(b, &n)
			b = append(b, `{"type":"image_url","image_url":{"url":`...)
			b = appendJSONString(b, url)
			b = append(b, '}')
		default:
			continue
		}
		b = append(b, '}')
	}
	if n == 0 {
		return nil
	}
	return append(b, ']')
}

func appendSep(b []byte, n *int) []byte {
	if *n > 0 {
		b = append(b, ',')
	}
	*n++
	return b
}

// readInvocationParameters maps llm.invocation_parameters (the request's
// parameters as JSON, minus messages) to model options and, when the span
// lists no tools of its own, its tools. Keys without a ModelOptions field
// go to extra_options; model, messages and tools are content, not options.
func readInvocationParameters(v pcommon.Value, d *draft) {
	params, tools, ok := invocationParams(str(v))
	if !ok {
		return
	}
	if tools != "" && d.rec.Tools == nil {
		if raw, ok := decodeAny(tools); ok {
			if data, err := json.Marshal(raw); err == nil {
				d.rec.Tools = readTools(pcommon.NewValueStr(string(data)))
			}
		}
	}
	if f, ok := jsonFloat(params["temperature"]); ok {
		d.setFloat(&d.options().Temperature, f)
	}
	if f, ok := jsonFloat(params["top_p"]); ok {
		d.setFloat(&d.options().TopP, f)
	}
	for _, k := range [...]string{"max_completion_tokens", "max_tokens", "max_output_tokens"} {
		if f, ok := jsonFloat(params[k]); ok {
			if n, ok := wholeNumber(f); ok {
				d.setInt(&d.options().MaxCompletionTokens, n)
			}
		}
	}
	for _, k := range [...]string{"stop", "stop_sequences"} {
		if stop := jsonStrings(params[k]); stop != nil && d.options().Stop == nil {
			d.options().Stop = stop
		}
	}
	for _, k := range [...]string{"model", "model_name"} { // LangChain says model_name
		if model, ok := params[k].(string); ok {
			d.setText("request_model", model)
		}
	}
	for k, raw := range params {
		switch k {
		case "model", "model_name", "messages", "tools", "temperature", "top_p",
			"max_completion_tokens", "max_tokens", "max_output_tokens", "stop", "stop_sequences":
		default:
			if raw != nil {
				d.setExtra(k, raw)
			}
		}
	}
}

// invocationParams reads llm.invocation_parameters into what jsonObject
// would return, without decoding the bulk of it: messages, which no record
// field takes, are skipped, and tools are returned as JSON text, decoded
// only when the span lists no tools of its own. Like jsonObject it reads
// the first JSON value of the text; ok is false when that is no object.
func invocationParams(s string) (params map[string]any, tools string, ok bool) {
	data := contentJSON(s)
	if len(data) == 0 || data[0] != '{' {
		return nil, "", false
	}
	r := jsonReader[string]{data: data}
	params = make(map[string]any, 8)
	for more := r.enterObject(); more; more = r.nextMember() {
		switch key := r.key; key {
		case "messages":
			r.skipValue()
		case "tools":
			tools = r.skipValue()
		default:
			params[key] = readAny(&r)
		}
	}
	if r.bad {
		return nil, "", false
	}
	return params, tools, true
}

// readAny reads a value as json.Decoder with UseNumber decodes it into an
// interface: objects as map[string]any (the last of repeated keys wins),
// arrays as []any, numbers as json.Number.
func readAny(r *jsonReader[string]) any {
	switch r.peek() {
	case '"':
		if lit, escaped := r.str(); !r.bad {
			return unquoteJSON(lit, escaped)
		}
		return nil
	case 't', 'f':
		return r.skipValue() == "true"
	case 'n':
		r.skipValue()
		return nil
	case '{':
		m := map[string]any{}
		for more := r.enterObject(); more; more = r.nextMember() {
			key := r.key // read before the value, which moves r.key on
			m[key] = readAny(r)
		}
		return m
	case '[':
		a := []any{}
		for more := r.enterArray(); more; more = r.nextElement() {
			a = append(a, readAny(r))
		}
		return a
	}
	return json.Number(r.skipValue())
}

// decodeAny decodes JSON text into an interface, numbers as json.Number.
func decodeAny(data string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	var v any
	return v, dec.Decode(&v) == nil
}

// readFirstTokenEvent turns OpenInference's first-token event into the time
// to the first chunk.
func readFirstTokenEvent(in spanInput, d *draft) {
	events := in.span.Events()
	for i := 0; i < events.Len(); i++ {
		if ev := events.At(i); ev.Name() == eventOIFirstToken {
			if at, start := ev.Timestamp(), in.span.StartTimestamp(); at >= start && start > 0 {
				d.setTTFT(float64(at-start) / 1e6)
			}
			return
		}
	}
}

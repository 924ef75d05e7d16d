package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Keys of the current OpenTelemetry GenAI conventions (v1.37+ and the
// semantic-conventions-genai repository). Our own constants: the upstream
// names keep moving (spec A.8).
const (
	keyOperationName = "gen_ai.operation.name"
	keyRequestModel  = "gen_ai.request.model"
	keyResponseModel = "gen_ai.response.model"

	// eventDetails carries the inference attributes as a span event.
	eventDetails = "gen_ai.client.inference.operation.details"
)

// classifyGenAI classifies by gen_ai.operation.name (spec S.1 C2).
func classifyGenAI(op pcommon.Value) class {
	s, ok := strValue(op)
	if !ok {
		return classUnknown
	}
	return operationClass(s)
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
	case "invoke_agent", "create_agent", "agent_step":
		return classAgent
	case "invoke_workflow", "plan", "execute_task":
		return classOther
	case "", redacted:
		return classUnknown
	}
	if lower := strings.ToLower(op); lower != op {
		return operationClass(lower)
	}
	return classUnknown
}

// genaiAttrs are the GenAI attributes of a span, gathered in one pass.
type genaiAttrs struct {
	responseModel, requestModel    pcommon.Value
	input, system, output, tools   pcommon.Value
	inputTokens, outputTokens      pcommon.Value
	totalTokens, cacheRead         pcommon.Value
	cacheWrite, cacheCreation      pcommon.Value
	reasoning, ttft, clientTTFT    pcommon.Value
	promptVersion                  pcommon.Value
	provider, responseID, finishes pcommon.Value
	maxCompletionTokens            pcommon.Value

	temperature, maxTokens, stop, topP      pcommon.Value
	topK, frequencyPenalty, presencePenalty pcommon.Value
	seed, choiceCount, stream, outputType   pcommon.Value

	variables bool // a gen_ai.prompt.variable.* key was seen

	legacy legacyGenAI
}

// legacyGenAI are the span attributes of GenAI v1.28–1.36 that
// readGenAIMessageEvents applies, at its place in the readers' order:
// readGenAI gathers them in its pass over the span's attributes, which
// saves that reader a pass of its own.
type legacyGenAI struct {
	provider, promptTokens, completionTokens pcommon.Value // gen_ai.system, gen_ai.usage.{prompt,completion}_tokens
}

// collect records the GenAI attributes of m that are not recorded yet, so
// span attributes win over the same keys on the details event.
func (a *genaiAttrs) collect(m pcommon.Map) {
	for k, v := range m.All() {
		name, ok := strings.CutPrefix(k, "gen_ai.")
		if !ok {
			continue
		}
		if dst := a.field(name); dst != nil {
			if !present(*dst) {
				*dst = v
			}
		} else if strings.HasPrefix(name, "prompt.variable.") {
			a.variables = true
		}
	}
}

// field returns where the attribute gen_ai.<name> goes, or nil.
func (a *genaiAttrs) field(name string) *pcommon.Value {
	switch name {
	case "response.model":
		return &a.responseModel
	case "request.model":
		return &a.requestModel
	case "input.messages":
		return &a.input
	case "system_instructions":
		return &a.system
	case "output.messages":
		return &a.output
	case "tool.definitions":
		return &a.tools
	case "usage.input_tokens":
		return &a.inputTokens
	case "usage.output_tokens":
		return &a.outputTokens
	case "usage.total_tokens":
		return &a.totalTokens
	case "usage.cache_read.input_tokens":
		return &a.cacheRead
	case "usage.cache_write.input_tokens":
		return &a.cacheWrite
	case "usage.cache_creation.input_tokens":
		return &a.cacheCreation
	case "usage.reasoning.output_tokens":
		return &a.reasoning
	case "response.time_to_first_chunk":
		return &a.ttft
	case "client.operation.time_to_first_chunk":
		return &a.clientTTFT
	case "prompt.version":
		return &a.promptVersion
	case "provider.name":
		return &a.provider
	case "response.id":
		return &a.responseID
	case "response.finish_reasons":
		return &a.finishes
	case "request.temperature":
		return &a.temperature
	case "request.max_tokens":
		return &a.maxTokens
	case "request.max_completion_tokens":
		return &a.maxCompletionTokens
	case "request.stop_sequences":
		return &a.stop
	case "request.top_p":
		return &a.topP
	case "request.top_k":
		return &a.topK
	case "request.frequency_penalty":
		return &a.frequencyPenalty
	case "request.presence_penalty":
		return &a.presencePenalty
	case "request.seed":
		return &a.seed
	case "request.choice.count":
		return &a.choiceCount
	case "request.stream":
		return &a.stream
	case "output.type":
		return &a.outputType
	case "system":
		return &a.legacy.provider
	case "usage.prompt_tokens":
		return &a.legacy.promptTokens
	case "usage.completion_tokens":
		return &a.legacy.completionTokens
	}
	return nil
}

// readGenAI reads the current GenAI conventions (spec S.4, [G] sources):
// span attributes first, then the gen_ai.client.inference.operation.details
// span event for what the span lacks.
func readGenAI(in spanInput, d *draft) {
	var a genaiAttrs
	a.collect(in.span.Attributes())
	d.legacy = a.legacy // the span's, not the details event's
	if !present(a.input) || !present(a.output) {
		events := in.span.Events()
		for i := 0; i < events.Len(); i++ {
			if ev := events.At(i); ev.Name() == eventDetails {
				a.collect(ev.Attributes())
				break
			}
		}
	}

	responseModel, requestModel := str(a.responseModel), str(a.requestModel)
	d.model.offer(modelGenAIResponse, responseModel)
	d.model.offer(modelGenAIRequest, requestModel)
	d.setText("request_model", requestModel)
	d.setText("response_model", responseModel)
	d.setText("response_id", str(a.responseID))
	d.setText("provider", str(a.provider))

	readGenAIPrompt(&a, d)
	readGenAIResponse(&a, d)

	d.setTokens(a.inputTokens, a.outputTokens, a.totalTokens)
	d.setDetail(customCacheRead, a.cacheRead)
	d.setDetail(customCacheWrite, a.cacheWrite)
	d.setDetail(customCacheWrite, a.cacheCreation)
	d.setDetail(customReasoning, a.reasoning)
	for _, v := range [...]pcommon.Value{a.ttft, a.clientTTFT} {
		if s, ok := floatValue(v); ok {
			d.setTTFT(s * 1000)
		}
	}
	d.setText("prompt_version", str(a.promptVersion))
	if a.variables {
		readPromptVariables(in.span.Attributes(), "gen_ai.prompt.variable.", d)
	}
	if d.rec.Tools == nil && present(a.tools) {
		d.rec.Tools = readTools(a.tools)
	}
	readGenAIOptions(&a, d)
}

func readGenAIPrompt(a *genaiAttrs, d *draft) {
	if d.system == "" && present(a.system) {
		d.system, d.systemLit = systemText(a.system)
	}
	if d.rec.Prompt == nil && present(a.input) {
		d.setPromptFrom(a.input)
	}
}

// systemText returns the text of gen_ai.system_instructions: a list of
// parts (JSON or structured) whose text parts are joined, or plain text.
// A list of one text part in a canonical literal also gives the literal.
func systemText(v pcommon.Value) (text, lit string) {
	var parts []part
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		parts = partsFromSlice(v.Slice())
	case pcommon.ValueTypeStr:
		data := contentJSON(str(v))
		if len(data) == 0 || data[0] != '[' {
			return data, ""
		}
		// The parts are read into scratch: the texts and the literal
		// share data's bytes or are strings of their own, never the parts.
		sc := takeListScratch(data)
		defer sc.release()
		if readParts(&sc.r, &sc.m.Parts); !sc.r.atEnd() {
			return data, ""
		}
		parts = sc.m.Parts
	default:
		return str(v), ""
	}
	text = joinText(parts)
	if only := onlyText(parts); only != nil && text != "" {
		lit = only.contentLit
	}
	return text, lit
}

// onlyText returns the one text part of parts, nil if there are more or
// none.
func onlyText(parts []part) *part {
	var only *part
	for i := range parts {
		if partKind(&parts[i]) == kindText {
			if only != nil {
				return nil
			}
			only = &parts[i]
		}
	}
	return only
}

func readGenAIResponse(a *genaiAttrs, d *draft) {
	one, onlyOne := onlyString(a.finishes)
	var finishes []string
	if !onlyOne {
		finishes = stringsValue(a.finishes)
	}
	// Without gen_ai.response.finish_reasons, the output messages' own.
	fromOutput := !onlyOne && len(finishes) == 0
	if !d.responseSet && present(a.output) {
		out := readOutput(a.output, fromOutput)
		d.setOutput(&out)
		if fromOutput {
			finishes = out.more
			if out.more == nil && out.first != "" {
				one, onlyOne = out.first, true
			}
		}
	}
	if onlyOne {
		d.setFinishReason(one)
		return
	}
	d.setFinishReasons(finishes)
}

// readOutput reads an output message list attribute: what setResponse
// takes from readMessages(v), and the messages' finish reasons when
// reasons is true. A JSON list is read one message at a time.
func readOutput(v pcommon.Value, reasons bool) output {
	if v.Type() == pcommon.ValueTypeStr {
		if data := contentJSON(str(v)); data != "" && data[0] == '[' {
			if out, ok := outputOfList(data, reasons); ok {
				return out
			}
		}
	}
	msgs, text := readMessages(v)
	return outputOf(msgs, text, reasons)
}

// finishReason maps a finish reason to OpenAI's (spec S.5).
func finishReason(r string) string {
	switch r {
	case "tool_call", "tool-calls", "tool_use":
		return "tool_calls"
	case "content-filter":
		return "content_filter"
	case "end_turn", "stop_sequence":
		return "stop"
	case "max_tokens":
		return "length"
	}
	return r
}

func readGenAIOptions(a *genaiAttrs, d *draft) {
	if f, ok := floatValue(a.temperature); ok {
		d.setFloat(&d.options().Temperature, f)
	}
	// OpenLLMetry's max_completion_tokens is the OpenAI parameter of that
	// name and comes first (S.4); max_tokens is the GenAI key.
	for _, v := range [...]pcommon.Value{a.maxCompletionTokens, a.maxTokens} {
		if n, ok := intValue(v); ok {
			d.setInt(&d.options().MaxCompletionTokens, n)
		}
	}
	if stop := stringsValue(a.stop); stop != nil {
		if o := d.options(); o.Stop == nil {
			o.Stop = stop
		}
	}
	if f, ok := floatValue(a.topP); ok {
		d.setFloat(&d.options().TopP, f)
	}

	if n, ok := numberValue(a.topK); ok {
		d.setExtra("top_k", n)
	}
	if f, ok := floatValue(a.frequencyPenalty); ok {
		d.setExtra("frequency_penalty", f)
	}
	if f, ok := floatValue(a.presencePenalty); ok {
		d.setExtra("presence_penalty", f)
	}
	if n, ok := intValue(a.seed); ok {
		d.setExtra("seed", n)
	}
	if n, ok := intValue(a.choiceCount); ok {
		d.setExtra("n", n)
	}
	if b, ok := boolValue(a.stream); ok {
		d.setExtra("stream", b)
	}
	if s := str(a.outputType); s != "" {
		d.setExtra("output_type", s)
	}
}

// readPromptVariables reads the variables of a prompt template, given one
// attribute per variable under prefix, into custom_attributes.prompt_variables.
func readPromptVariables(attrs pcommon.Map, prefix string, d *draft) {
	var vars map[string]any
	for k, v := range attrs.All() {
		if name, ok := strings.CutPrefix(k, prefix); ok && name != "" {
			if vars == nil {
				vars = make(map[string]any, 4)
			}
			vars[name] = v.AsRaw()
		}
	}
	if vars != nil {
		d.setCustom("prompt_variables", vars)
	}
}

func firstString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

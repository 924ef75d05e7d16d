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
func classifyGenAI(attrs pcommon.Map) class {
	v, ok := attrs.Get(keyOperationName)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return classUnknown
	}
	return operationClass(v.Str())
}

// genaiAttrs are the GenAI attributes of a span, gathered in one pass.
type genaiAttrs struct {
	responseModel, requestModel    pcommon.Value
	input, system, output, tools   pcommon.Value
	inputTokens, outputTokens      pcommon.Value
	totalTokens                    pcommon.Value
	conversationID, promptName     pcommon.Value
	provider, responseID, finishes pcommon.Value

	temperature, maxTokens, stop, topP      pcommon.Value
	topK, frequencyPenalty, presencePenalty pcommon.Value
	seed, choiceCount, stream, outputType   pcommon.Value
}

// collect records the GenAI attributes of m that are not recorded yet, so
// span attributes win over the same keys on the details event.
func (a *genaiAttrs) collect(m pcommon.Map) {
	for k, v := range m.All() {
		name, ok := strings.CutPrefix(k, "gen_ai.")
		if !ok {
			continue
		}
		if dst := a.field(name); dst != nil && !present(*dst) {
			*dst = v
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
	case "conversation.id":
		return &a.conversationID
	case "prompt.name":
		return &a.promptName
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
	}
	return nil
}

// readGenAI reads the current GenAI conventions (spec S.4, [G] sources):
// span attributes first, then the gen_ai.client.inference.operation.details
// span event for what the span lacks.
func readGenAI(in spanInput, d *draft) {
	var a genaiAttrs
	a.collect(in.span.Attributes())
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
	if d.rec.LanguageModelID == "" {
		d.rec.LanguageModelID = firstString(responseModel, requestModel)
	}
	d.setCustom("request_model", requestModel)
	d.setCustom("response_model", responseModel)
	d.setCustom("response_id", str(a.responseID))
	d.setCustom("provider", str(a.provider))

	readGenAIPrompt(&a, d)
	readGenAIResponse(&a, d)

	d.setTokens(a.inputTokens, a.outputTokens, a.totalTokens)
	setString(&d.rec.SessionID, a.conversationID)
	setString(&d.rec.PromptSlug, a.promptName)
	if d.rec.Tools == nil && present(a.tools) {
		d.rec.Tools = readTools(a.tools)
	}
	readGenAIOptions(&a, d)
}

func readGenAIPrompt(a *genaiAttrs, d *draft) {
	if d.system == "" && present(a.system) {
		d.system = systemText(a.system)
	}
	if d.rec.Prompt == nil && present(a.input) {
		d.setPrompt(readMessages(a.input))
	}
}

// systemText returns the text of gen_ai.system_instructions: a list of
// parts (JSON or structured) whose text parts are joined, or plain text.
func systemText(v pcommon.Value) string {
	var parts []part
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		parts = partsFromSlice(v.Slice())
	case pcommon.ValueTypeStr:
		data := contentJSON(str(v))
		if len(data) == 0 || data[0] != '[' || !decodeJSON(data, &parts) {
			return string(data)
		}
	default:
		return str(v)
	}
	return joinText(parts)
}

func readGenAIResponse(a *genaiAttrs, d *draft) {
	finishes := stringsValue(a.finishes)
	var msgs []wireMessage
	if !d.responseSet && present(a.output) {
		var text string
		msgs, text = readMessages(a.output)
		d.setResponse(msgs, text)
	}

	if len(finishes) == 0 {
		for i := range msgs {
			if r := msgs[i].choice().FinishReason; r != "" {
				finishes = append(finishes, string(r))
			}
		}
	}
	for i, r := range finishes {
		finishes[i] = finishReason(r)
	}
	d.setCustom("finish_reasons", finishes)
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
		setOnce(&d.options().Temperature, f)
	}
	if n, ok := intValue(a.maxTokens); ok {
		setOnce(&d.options().MaxCompletionTokens, n)
	}
	if stop := stringsValue(a.stop); stop != nil {
		if o := d.options(); o.Stop == nil {
			o.Stop = stop
		}
	}
	if f, ok := floatValue(a.topP); ok {
		setOnce(&d.options().TopP, f)
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

func firstString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

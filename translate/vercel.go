package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Keys of the Vercel AI SDK's own telemetry (ai.* spans of AI SDK ≤ 6 and
// AI SDK 7's LegacyOpenTelemetry), spec section D.2. AI SDK 7's GenAI spans
// are readGenAI's.
const (
	keyAIOperationID   = "ai.operationId"
	keyAIOperationName = "operation.name" // "<operationId> <functionId>"
)

// classifyVercel classifies by ai.operationId, or by the operation id that
// operation.name starts with (spec S.1 C3). The provider-call spans
// (doGenerate, doStream, doEmbed) are the model calls; the spans around them
// wrap them and repeat their data.
func classifyVercel(id, name pcommon.Value) class {
	op, ok := strValue(id)
	if !ok {
		if name, ok := strValue(name); ok {
			op, _, _ = strings.Cut(name, " ")
		}
	}
	switch op {
	case "ai.generateText.doGenerate", "ai.streamText.doStream",
		"ai.generateObject.doGenerate", "ai.streamObject.doStream":
		return classLLM
	case "ai.embed.doEmbed", "ai.embedMany.doEmbed":
		return classEmbedding
	case "ai.toolCall":
		return classTool
	case "ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject",
		"ai.embed", "ai.embedMany", "ai.rerank":
		return classOther
	}
	return classUnknown
}

// vercelAttrs are the ai.* attributes of a span, gathered in one pass.
type vercelAttrs struct {
	operation, provider, responseID, functionID pcommon.Value
	opName                                      string // the operation id operation.name starts with
	opNameSet                                   bool
	messages, prompt, tools, toolChoice, values pcommon.Value
	text, toolCalls, object, finish, ttft       pcommon.Value

	inputTokens, promptTokens, outputTokens, completionTokens pcommon.Value
	totalTokens, tokens, noCacheTokens                        pcommon.Value
	cacheRead, cachedInput, cacheWrite, reasoning, reasoning2 pcommon.Value

	temperature, topP, maxOutputTokens, maxTokens, stop pcommon.Value

	extra map[string]pcommon.Value // other ai.settings.*
}

// collect records the ai.<name> attribute v.
func (a *vercelAttrs) collect(name string, v pcommon.Value) {
	if setting, ok := strings.CutPrefix(name, "settings."); ok {
		a.setting(setting, v)
		return
	}
	var dst *pcommon.Value
	switch name {
	case "operationId":
		dst = &a.operation
	case "model.provider":
		dst = &a.provider
	case "response.id":
		dst = &a.responseID
	case "telemetry.functionId":
		dst = &a.functionID
	case "prompt.messages":
		dst = &a.messages
	case "prompt":
		dst = &a.prompt
	case "prompt.tools":
		dst = &a.tools
	case "prompt.toolChoice":
		dst = &a.toolChoice
	case "values":
		dst = &a.values
	case "response.text":
		dst = &a.text
	case "response.toolCalls":
		dst = &a.toolCalls
	case "response.object":
		dst = &a.object
	case "response.finishReason":
		dst = &a.finish
	case "response.msToFirstChunk":
		dst = &a.ttft
	case "usage.inputTokens":
		dst = &a.inputTokens
	case "usage.promptTokens":
		dst = &a.promptTokens
	case "usage.outputTokens":
		dst = &a.outputTokens
	case "usage.completionTokens":
		dst = &a.completionTokens
	case "usage.totalTokens":
		dst = &a.totalTokens
	case "usage.tokens":
		dst = &a.tokens
	case "usage.inputTokenDetails.noCacheTokens":
		dst = &a.noCacheTokens
	case "usage.inputTokenDetails.cacheReadTokens":
		dst = &a.cacheRead
	case "usage.cachedInputTokens":
		dst = &a.cachedInput
	case "usage.inputTokenDetails.cacheWriteTokens":
		dst = &a.cacheWrite
	case "usage.reasoningTokens":
		dst = &a.reasoning
	case "usage.outputTokenDetails.reasoningTokens":
		dst = &a.reasoning2
	default:
		return
	}
	*dst = v
}

// setting records ai.settings.<name>. The runtime context is metadata
// (segment.go) and maxRetries is the SDK's, not the model's.
func (a *vercelAttrs) setting(name string, v pcommon.Value) {
	switch name {
	case "temperature":
		a.temperature = v
	case "topP":
		a.topP = v
	case "maxOutputTokens": // v5+
		a.maxOutputTokens = v
	case "maxTokens": // v4
		a.maxTokens = v
	case "stopSequences":
		a.stop = v
	case "maxRetries":
	default:
		if strings.HasPrefix(name, "context.") || strings.HasPrefix(name, "runtimeContext.") {
			return
		}
		if a.extra == nil {
			a.extra = make(map[string]pcommon.Value, 4)
		}
		a.extra[name] = v
	}
}

// readVercel reads the ai.* attributes of a provider-call span.
func readVercel(in spanInput, d *draft) {
	if d.keys&keysVercel == 0 {
		readVercelFirstChunk(in, d)
		return
	}
	var a vercelAttrs
	for k, v := range in.span.Attributes().All() {
		if !strings.HasPrefix(k, "ai.") && k != keyAIOperationName {
			continue // cheaply past the other conventions' keys
		}
		switch k {
		case "ai.model.id":
			d.model.offer(modelVercel, str(v))
		case "ai.response.model":
			d.model.offer(modelVercelResponse, str(v))
		case keyAIOperationName:
			if !a.opNameSet {
				a.opName, _, _ = strings.Cut(str(v), " ")
				a.opNameSet = true
			}
		default:
			if name, ok := strings.CutPrefix(k, "ai."); ok {
				a.collect(name, v)
			}
		}
	}
	d.setText("provider", str(a.provider))
	d.setText("response_id", str(a.responseID))
	d.setText("function_id", str(a.functionID))
	readVercelUsage(&a, d)
	readVercelOptions(&a, d)
	op := a.opName // ai.operationId, when there is one, wins
	if present(a.operation) {
		op = str(a.operation)
	}
	if strings.HasSuffix(op, ".doStream") {
		d.setExtra("stream", true)
	}
	if ms, ok := floatValue(a.ttft); ok {
		d.setTTFT(ms)
	} else {
		readVercelFirstChunk(in, d)
	}

	if d.class == classEmbedding {
		if d.rec.Prompt == nil {
			d.rec.Prompt = userMessages(vercelValues(a.values))
		}
		return
	}
	if d.rec.Prompt == nil {
		if present(a.messages) {
			d.rec.Prompt = vercelPrompt(str(a.messages))
		} else if present(a.prompt) {
			d.rec.Prompt, d.system = vercelCallPrompt(str(a.prompt), d.system)
		}
	}
	if !d.responseSet {
		text := str(a.text)
		if text == "" {
			text = str(a.object) // generateObject answers with the object's JSON
		}
		calls := vercelToolCalls(str(a.toolCalls))
		if text != "" || calls != nil {
			d.rec.Response, d.rec.ToolCalls, d.responseSet = text, calls, true
		}
	}
	if r := str(a.finish); r != "" {
		d.setFinishReason(r)
	}
	if d.rec.Tools == nil && present(a.tools) {
		d.rec.Tools = readTools(a.tools)
	}
	if choice := vercelToolChoice(str(a.toolChoice)); choice != nil {
		d.setExtra("tool_choice", choice)
	}
}

// readVercelUsage reads the token counts: v5+ names first, then v4's
// (spec S.4). AI SDK 7's legacy spans may give only the uncached and cached
// parts of the input, which add up to it.
func readVercelUsage(a *vercelAttrs, d *draft) {
	input := a.inputTokens
	if !present(input) {
		input = a.promptTokens
	}
	if !present(input) && present(a.noCacheTokens) {
		var sum int64
		for _, v := range [...]pcommon.Value{a.noCacheTokens, a.cacheRead, a.cacheWrite} {
			if n, ok := intValue(v); ok && n > 0 {
				sum += n
			}
		}
		input = pcommon.NewValueInt(sum)
	}
	output := a.outputTokens
	if !present(output) {
		output = a.completionTokens
	}
	total := a.totalTokens
	if d.class == classEmbedding && present(a.tokens) {
		// Embeddings report one count: all of it is input.
		input, total = a.tokens, a.tokens
	}
	d.setTokens(input, output, total)
	d.setDetail(customCacheRead, a.cacheRead)
	d.setDetail(customCacheRead, a.cachedInput)
	d.setDetail(customCacheWrite, a.cacheWrite)
	d.setDetail(customReasoning, a.reasoning)
	d.setDetail(customReasoning, a.reasoning2)
}

// readVercelOptions maps ai.settings.* to model options; settings without
// a ModelOptions field go to extra_options under OpenAI's names where one
// exists.
func readVercelOptions(a *vercelAttrs, d *draft) {
	if f, ok := floatValue(a.temperature); ok {
		d.setFloat(&d.options().Temperature, f)
	}
	if f, ok := floatValue(a.topP); ok {
		d.setFloat(&d.options().TopP, f)
	}
	for _, v := range [...]pcommon.Value{a.maxOutputTokens, a.maxTokens} {
		if n, ok := intValue(v); ok {
			d.setInt(&d.options().MaxCompletionTokens, n)
		}
	}
	if stop := stringsValue(a.stop); stop != nil && d.options().Stop == nil {
		d.options().Stop = stop
	}
	for name, v := range a.extra {
		switch name {
		case "topK":
			name = "top_k"
		case "frequencyPenalty":
			name = "frequency_penalty"
		case "presencePenalty":
			name = "presence_penalty"
		}
		if raw := v.AsRaw(); raw != nil {
			d.setExtra(name, raw)
		}
	}
}

// readVercelFirstChunk reads the time to the first chunk from the
// ai.stream.firstChunk event when the span has no attribute for it.
func readVercelFirstChunk(in spanInput, d *draft) {
	events := in.span.Events()
	for i := 0; i < events.Len(); i++ {
		if ev := events.At(i); ev.Name() == "ai.stream.firstChunk" {
			if ms, ok := floatValue(getAttr(ev.Attributes(), "ai.response.msToFirstChunk")); ok {
				d.setTTFT(ms)
			}
			return
		}
	}
}

// vercelValues reads ai.values: the embedded values, each JSON-encoded.
func vercelValues(v pcommon.Value) []string {
	var texts []string
	for _, item := range stringsValue(v) {
		texts = append(texts, contentJSON(item))
	}
	return texts
}

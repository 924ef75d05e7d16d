package translate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The spans of the per-span benchmarks (BenchmarkPerSpan): one chat, written
// the way each convention's instrumentations write it. A small chat is a
// system prompt, one question and the answer; a large one is a long
// conversation with tool definitions and tool calls, about 8 KB of content.

// benchTurn is one message of a benchmark conversation.
type benchTurn struct {
	role   string // system, user, assistant or tool
	text   string
	call   *benchCall // the tool call of an assistant turn
	callID string     // the call a tool turn answers
}

type benchCall struct{ id, name, args string }

// benchChat is a conversation and its answer.
type benchChat struct {
	prompt []benchTurn
	reply  string
	tools  bool // the call offers benchTools
}

// benchTool is a tool definition offered to the model.
type benchTool struct{ name, description, parameters string }

var benchTools = []benchTool{
	{"get_weather", "Current weather for a city: temperature, sky and wind.",
		`{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}`},
	{"get_forecast", "Forecast for the coming days for a city.",
		`{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":10}},"required":["city","days"]}`},
	{"book_hotel", "Book a hotel room & return the confirmation.",
		`{"type":"object","properties":{"city":{"type":"string"},"nights":{"type":"integer"},"budget_eur":{"type":"number"}},"required":["city","nights"]}`},
}

const benchSystem = "You are a travel assistant for Acme Travel. Answer briefly, in the user's language, " +
	"and use the tools for weather, forecasts and bookings. Never invent prices."

// newBenchChat returns a conversation of turns question/answer rounds;
// every third round calls a tool. Texts carry quotes, a newline, <, & and
// non-ASCII characters, as real content does.
func newBenchChat(turns int, tools bool) benchChat {
	c := benchChat{prompt: []benchTurn{{role: "system", text: benchSystem}}, tools: tools}
	for i := range turns {
		city := [...]string{"Paris", "Zürich", "São Paulo", "Kraków"}[i%4]
		c.prompt = append(c.prompt, benchTurn{role: "user", text: fmt.Sprintf(
			"Round %d: I'm travelling to %s next week with my family. What will the weather be like, "+
				"and is it \"worth it\" to book a hotel near the centre (budget < 150 € per night)?", i, city)})
		if tools && i%3 == 1 {
			call := &benchCall{id: "call_" + strconv.Itoa(i), name: "get_forecast",
				args: fmt.Sprintf(`{"city":%q,"days":5}`, city)}
			c.prompt = append(c.prompt,
				benchTurn{role: "assistant", call: call},
				benchTurn{role: "tool", callID: call.id, text: fmt.Sprintf(
					`{"city":%q,"days":[{"high_c":21,"low_c":12,"sky":"sunny"},{"high_c":19,"low_c":11,"sky":"cloudy"}]}`, city)})
		}
		c.prompt = append(c.prompt, benchTurn{role: "assistant", text: fmt.Sprintf(
			"In %s expect mostly sunny days, highs around 21°C and lows near 12°C.\n"+
				"Hotels near the centre start at about 120 € a night & fill up fast, so book soon.", city)})
	}
	c.prompt = append(c.prompt, benchTurn{role: "user", text: "Thanks! Which of these cities is the warmest?"})
	c.reply = "São Paulo is the warmest: highs of 27°C all week. Paris & Zürich are milder (about 20°C)."
	return c
}

// contentBytes is the size of the conversation's text, tool arguments and
// tool definitions.
func (c benchChat) contentBytes() int {
	n := len(c.reply)
	for _, t := range c.prompt {
		n += len(t.text)
		if t.call != nil {
			n += len(t.call.name) + len(t.call.args)
		}
	}
	if c.tools {
		for _, t := range benchTools {
			n += len(t.name) + len(t.description) + len(t.parameters)
		}
	}
	return n
}

// benchSpan starts an LLM span: ids, timing and the attributes most
// instrumentations set whatever their convention.
func benchSpan(span ptrace.Span, name string) pcommon.Map {
	span.SetName(name)
	span.SetKind(ptrace.SpanKindClient)
	span.SetTraceID(pcommon.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36})
	span.SetSpanID(pcommon.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7})
	span.SetStartTimestamp(1_796_314_632_000_000_000)
	span.SetEndTimestamp(1_796_314_633_234_500_000)
	return span.Attributes()
}

// genaiSpan writes c in the current OTel GenAI conventions (v1.37+): the
// messages as JSON strings of role and parts.
func genaiSpan(span ptrace.Span, c benchChat) {
	attrs := benchSpan(span, "chat gpt-4o")
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.provider.name", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-AxF3kE1")
	attrs.PutDouble("gen_ai.request.temperature", 0.2)
	attrs.PutInt("gen_ai.request.max_tokens", 512)
	attrs.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	attrs.PutInt("gen_ai.usage.input_tokens", int64(c.contentBytes()/4))
	attrs.PutInt("gen_ai.usage.output_tokens", 31)
	attrs.PutStr("gen_ai.conversation.id", "conv-2f1c")
	attrs.PutStr("server.address", "api.openai.com")
	attrs.PutInt("server.port", 443)

	type part map[string]any
	type message struct {
		Role         string `json:"role"`
		Parts        []part `json:"parts"`
		FinishReason string `json:"finish_reason,omitempty"`
	}
	var input []message
	for _, t := range c.prompt {
		switch {
		case t.role == "system":
			attrs.PutStr("gen_ai.system_instructions", mustJSON([]part{{"type": "text", "content": t.text}}))
		case t.call != nil:
			input = append(input, message{Role: t.role, Parts: []part{{"type": "tool_call", "id": t.call.id,
				"name": t.call.name, "arguments": json.RawMessage(t.call.args)}}})
		case t.role == "tool":
			input = append(input, message{Role: t.role, Parts: []part{{"type": "tool_call_response",
				"id": t.callID, "response": json.RawMessage(t.text)}}})
		default:
			input = append(input, message{Role: t.role, Parts: []part{{"type": "text", "content": t.text}}})
		}
	}
	attrs.PutStr("gen_ai.input.messages", mustJSON(input))
	attrs.PutStr("gen_ai.output.messages", mustJSON([]message{{Role: "assistant",
		Parts: []part{{"type": "text", "content": c.reply}}, FinishReason: "stop"}}))
	if c.tools {
		var defs []map[string]any
		for _, t := range benchTools {
			defs = append(defs, map[string]any{"type": "function", "name": t.name,
				"description": t.description, "parameters": json.RawMessage(t.parameters)})
		}
		attrs.PutStr("gen_ai.tool.definitions", mustJSON(defs))
	}
}

// legacyEventsSpan writes c in the GenAI conventions v1.28–1.36: one span
// event per message and a gen_ai.choice event, content in their attributes.
func legacyEventsSpan(span ptrace.Span, c benchChat) {
	attrs := benchSpan(span, "chat gpt-4o")
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.system", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-AxF3kE1")
	attrs.PutDouble("gen_ai.request.temperature", 0.2)
	attrs.PutInt("gen_ai.request.max_tokens", 512)
	attrs.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	attrs.PutInt("gen_ai.usage.input_tokens", int64(c.contentBytes()/4))
	attrs.PutInt("gen_ai.usage.output_tokens", 31)
	attrs.PutStr("server.address", "api.openai.com")
	attrs.PutInt("server.port", 443)

	at := span.StartTimestamp()
	event := func(name string) pcommon.Map {
		at += 1000
		ev := span.Events().AppendEmpty()
		ev.SetName(name)
		ev.SetTimestamp(at)
		ev.Attributes().PutStr("gen_ai.system", "openai")
		return ev.Attributes()
	}
	for _, t := range c.prompt {
		ev := event("gen_ai." + t.role + ".message")
		switch {
		case t.call != nil:
			call := ev.PutEmptySlice("tool_calls").AppendEmpty().SetEmptyMap()
			call.PutStr("id", t.call.id)
			call.PutStr("type", "function")
			fn := call.PutEmptyMap("function")
			fn.PutStr("name", t.call.name)
			fn.PutStr("arguments", t.call.args)
		case t.role == "tool":
			ev.PutStr("id", t.callID)
			ev.PutStr("content", t.text)
		default:
			ev.PutStr("content", t.text)
		}
	}
	choice := event("gen_ai.choice")
	choice.PutInt("index", 0)
	choice.PutStr("finish_reason", "stop")
	msg := choice.PutEmptyMap("message")
	msg.PutStr("role", "assistant")
	msg.PutStr("content", c.reply)
}

// openllmetrySpan writes c the way Traceloop's OpenLLMetry does: one
// attribute per message field, gen_ai.prompt.<N>.*, and the functions
// under llm.request.functions.<N>.*.
func openllmetrySpan(span ptrace.Span, c benchChat) {
	attrs := benchSpan(span, "openai.chat")
	attrs.PutStr("llm.request.type", "chat")
	attrs.PutStr("gen_ai.system", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-AxF3kE1")
	attrs.PutDouble("gen_ai.request.temperature", 0.2)
	attrs.PutInt("gen_ai.request.max_tokens", 512)
	attrs.PutBool("llm.is_streaming", false)
	attrs.PutInt("gen_ai.usage.prompt_tokens", int64(c.contentBytes()/4))
	attrs.PutInt("gen_ai.usage.completion_tokens", 31)
	attrs.PutInt("llm.usage.total_tokens", int64(c.contentBytes()/4+31))
	attrs.PutStr("traceloop.workflow.name", "trip_planner")
	attrs.PutStr("traceloop.association.properties.session_id", "sess-2f1c")
	attrs.PutStr("traceloop.association.properties.user_id", "user-77")
	attrs.PutStr("server.address", "api.openai.com")

	for i, t := range c.prompt {
		key := "gen_ai.prompt." + strconv.Itoa(i) + "."
		attrs.PutStr(key+"role", t.role)
		switch {
		case t.call != nil:
			attrs.PutStr(key+"tool_calls.0.id", t.call.id)
			attrs.PutStr(key+"tool_calls.0.name", t.call.name)
			attrs.PutStr(key+"tool_calls.0.arguments", t.call.args)
		case t.role == "tool":
			attrs.PutStr(key+"tool_call_id", t.callID)
			attrs.PutStr(key+"content", t.text)
		default:
			attrs.PutStr(key+"content", t.text)
		}
	}
	attrs.PutStr("gen_ai.completion.0.role", "assistant")
	attrs.PutStr("gen_ai.completion.0.content", c.reply)
	attrs.PutStr("gen_ai.completion.0.finish_reason", "stop")
	if c.tools {
		for i, t := range benchTools {
			key := "llm.request.functions." + strconv.Itoa(i) + "."
			attrs.PutStr(key+"name", t.name)
			attrs.PutStr(key+"description", t.description)
			attrs.PutStr(key+"parameters", t.parameters)
		}
	}
}

// openinferenceSpan writes c the way OpenInference's OpenAI instrumentor
// does: flattened llm.input_messages.<N>.message.*, the request and
// response JSON again in input.value and output.value, and the invocation
// parameters.
func openinferenceSpan(span ptrace.Span, c benchChat) {
	attrs := benchSpan(span, "ChatCompletion")
	attrs.PutStr("openinference.span.kind", "LLM")
	attrs.PutStr("llm.model_name", "gpt-4o-2024-08-06")
	attrs.PutStr("llm.system", "openai")
	attrs.PutStr("llm.provider", "openai")
	attrs.PutStr("session.id", "sess-2f1c")
	attrs.PutStr("user.id", "user-77")
	attrs.PutStr("metadata", `{"tenant":"acme","feature":"trip-planner"}`)

	type fn struct {
		Name      string          `json:"name"`
		Arguments string          `json:"arguments,omitempty"`
		Desc      string          `json:"description,omitempty"`
		Params    json.RawMessage `json:"parameters,omitempty"`
	}
	type call struct {
		ID       string `json:"id,omitempty"`
		Type     string `json:"type"`
		Function fn     `json:"function"`
	}
	type message struct {
		Role       string  `json:"role"`
		Content    *string `json:"content"`
		ToolCalls  []call  `json:"tool_calls,omitempty"`
		ToolCallID string  `json:"tool_call_id,omitempty"`
	}
	var (
		msgs  []message
		tools []call
	)
	for i, t := range c.prompt {
		key := "llm.input_messages." + strconv.Itoa(i) + ".message."
		attrs.PutStr(key+"role", t.role)
		m := message{Role: t.role}
		if t.call != nil {
			attrs.PutStr(key+"tool_calls.0.tool_call.id", t.call.id)
			attrs.PutStr(key+"tool_calls.0.tool_call.function.name", t.call.name)
			attrs.PutStr(key+"tool_calls.0.tool_call.function.arguments", t.call.args)
			m.ToolCalls = []call{{t.call.id, "function", fn{Name: t.call.name, Arguments: t.call.args}}}
		} else {
			attrs.PutStr(key+"content", t.text)
			m.Content = &t.text
		}
		if t.role == "tool" {
			attrs.PutStr(key+"tool_call_id", t.callID)
			m.ToolCallID = t.callID
		}
		msgs = append(msgs, m)
	}
	attrs.PutStr("llm.output_messages.0.message.role", "assistant")
	attrs.PutStr("llm.output_messages.0.message.content", c.reply)
	if c.tools {
		for i, t := range benchTools {
			def := call{Type: "function", Function: fn{Name: t.name, Desc: t.description, Params: json.RawMessage(t.parameters)}}
			tools = append(tools, def)
			attrs.PutStr("llm.tools."+strconv.Itoa(i)+".tool.json_schema", mustJSON(def))
		}
	}
	params := map[string]any{"model": "gpt-4o", "temperature": 0.2, "max_tokens": 512}
	if tools != nil {
		params["tools"] = tools
	}
	attrs.PutStr("llm.invocation_parameters", mustJSON(params))
	request := map[string]any{"messages": msgs}
	for k, v := range params {
		request[k] = v
	}
	attrs.PutStr("input.value", mustJSON(request))
	attrs.PutStr("input.mime_type", "application/json")
	attrs.PutStr("output.value", mustJSON(map[string]any{
		"id": "chatcmpl-AxF3kE1", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": c.reply}}},
		"usage": map[string]any{"prompt_tokens": c.contentBytes() / 4, "completion_tokens": 31},
	}))
	attrs.PutStr("output.mime_type", "application/json")
	attrs.PutStr("llm.finish_reason", "stop")
	attrs.PutInt("llm.token_count.prompt", int64(c.contentBytes()/4))
	attrs.PutInt("llm.token_count.completion", 31)
	attrs.PutInt("llm.token_count.total", int64(c.contentBytes()/4+31))
}

// vercelSpan writes c as the Vercel AI SDK (v5/v6) records its provider
// call: ai.prompt.messages in the SDK's own message format, each tool as a
// JSON string, the response text, and the gen_ai.* keys it adds.
func vercelSpan(span ptrace.Span, c benchChat) {
	attrs := benchSpan(span, "ai.generateText.doGenerate")
	attrs.PutStr("operation.name", "ai.generateText.doGenerate trip-planner")
	attrs.PutStr("ai.operationId", "ai.generateText.doGenerate")
	attrs.PutStr("ai.model.provider", "openai.chat")
	attrs.PutStr("ai.model.id", "gpt-4o")
	attrs.PutInt("ai.settings.maxRetries", 2)
	attrs.PutDouble("ai.settings.temperature", 0.2)
	attrs.PutInt("ai.settings.maxOutputTokens", 512)
	attrs.PutStr("ai.telemetry.functionId", "trip-planner")
	attrs.PutStr("ai.telemetry.metadata.sessionId", "sess-2f1c")
	attrs.PutStr("ai.telemetry.metadata.userId", "user-77")

	type part map[string]any
	type message struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	var msgs []message
	for _, t := range c.prompt {
		switch {
		case t.role == "system":
			msgs = append(msgs, message{t.role, t.text})
		case t.call != nil:
			msgs = append(msgs, message{t.role, []part{{"type": "tool-call", "toolCallId": t.call.id,
				"toolName": t.call.name, "input": json.RawMessage(t.call.args)}}})
		case t.role == "tool":
			msgs = append(msgs, message{t.role, []part{{"type": "tool-result", "toolCallId": t.callID,
				"toolName": "get_forecast", "output": part{"type": "json", "value": json.RawMessage(t.text)}}}})
		default:
			msgs = append(msgs, message{t.role, []part{{"type": "text", "text": t.text}}})
		}
	}
	attrs.PutStr("ai.prompt.messages", mustJSON(msgs))
	if c.tools {
		tools := attrs.PutEmptySlice("ai.prompt.tools")
		for _, t := range benchTools {
			tools.AppendEmpty().SetStr(mustJSON(map[string]any{"type": "function", "name": t.name,
				"description": t.description, "inputSchema": json.RawMessage(t.parameters)}))
		}
		attrs.PutStr("ai.prompt.toolChoice", `{"type":"auto"}`)
	}
	attrs.PutStr("ai.response.text", c.reply)
	attrs.PutStr("ai.response.finishReason", "stop")
	attrs.PutStr("ai.response.id", "chatcmpl-AxF3kE1")
	attrs.PutStr("ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutStr("ai.response.timestamp", "2026-12-03T12:00:01.000Z")
	attrs.PutInt("ai.usage.inputTokens", int64(c.contentBytes()/4))
	attrs.PutInt("ai.usage.outputTokens", 31)
	attrs.PutInt("ai.usage.totalTokens", int64(c.contentBytes()/4+31))
	attrs.PutStr("gen_ai.system", "openai.chat")
	attrs.PutStr("gen_ai.request.model", "gpt-4o")
	attrs.PutDouble("gen_ai.request.temperature", 0.2)
	attrs.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	attrs.PutStr("gen_ai.response.id", "chatcmpl-AxF3kE1")
	attrs.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	attrs.PutInt("gen_ai.usage.input_tokens", int64(c.contentBytes()/4))
	attrs.PutInt("gen_ai.usage.output_tokens", 31)
}

func mustJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// benchSpanCase is one span of BenchmarkPerSpan, alone in a ptrace.Traces
// with its resource and scope, as the exporter would see it.
type benchSpanCase struct {
	name string
	td   ptrace.Traces
}

// benchTurnsLarge makes the large chat about 8 KB of content.
const benchTurnsLarge = 19

func perSpanCases() []benchSpanCase {
	conventions := []struct {
		name, scope string
		write       func(ptrace.Span, benchChat)
	}{
		{"genai", "opentelemetry.instrumentation.openai_v2", genaiSpan},
		{"genai-events", "opentelemetry.instrumentation.openai_v2", legacyEventsSpan},
		{"openllmetry", "opentelemetry.instrumentation.openai.v1", openllmetrySpan},
		{"openinference", "openinference.instrumentation.openai", openinferenceSpan},
		{"vercel", "ai", vercelSpan},
	}
	var cases []benchSpanCase
	for _, conv := range conventions {
		for _, size := range []struct {
			name string
			chat benchChat
		}{
			{"small", newBenchChat(1, false)},
			{"large", newBenchChat(benchTurnsLarge, true)},
		} {
			td, span := benchTraces(conv.scope)
			conv.write(span, size.chat)
			cases = append(cases, benchSpanCase{conv.name + "-" + size.name, td})
		}
	}
	return cases
}

// benchTraces returns a ptrace.Traces holding one empty span under a
// resource like an SDK's and the scope.
func benchTraces(scope string) (ptrace.Traces, ptrace.Span) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	res := rs.Resource().Attributes()
	res.PutStr("service.name", "trip-planner")
	res.PutStr("service.version", "2.14.0")
	res.PutStr("deployment.environment.name", "production")
	res.PutStr("telemetry.sdk.language", "python")
	res.PutStr("telemetry.sdk.name", "opentelemetry")
	res.PutStr("telemetry.sdk.version", "1.38.0")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(scope)
	ss.Scope().SetVersion("1.0.0")
	return td, ss.Spans().AppendEmpty()
}

// TestPerSpanCases checks that every benchmark span makes the record it is
// meant to, so the benchmark measures a whole translation: all messages,
// the tools and the response, and a large chat of about 8 KB.
func TestPerSpanCases(t *testing.T) {
	large := newBenchChat(benchTurnsLarge, true)
	require.InDelta(t, 8<<10, large.contentBytes(), 512)

	tr := New(Options{})
	for _, c := range perSpanCases() {
		res := tr.Traces(c.td)
		require.Len(t, res.Items, 1, c.name)
		rec := res.Items[0].Record
		chat := newBenchChat(1, false)
		if strings.HasSuffix(c.name, "-large") {
			chat = large
		}
		assert.Len(t, rec.Prompt, len(chat.prompt), c.name)
		assert.Equal(t, chat.reply, rec.Response, c.name)
		assert.Equal(t, chat.prompt[len(chat.prompt)-1].text, rec.UserQuery, c.name)
		if chat.tools && c.name != "genai-events-large" { // those events have no tool definitions
			assert.Len(t, rec.Tools, len(benchTools), c.name)
		}
	}
}

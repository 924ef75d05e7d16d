package translate

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestCutIndex(t *testing.T) {
	for in, want := range map[string]int{"0.role": 0, "12.content": 12, "1000.x": 1000} {
		n, rest, ok := cutIndex(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, n, in)
		assert.NotEmpty(t, rest, in)
	}
	for _, in := range []string{"name", "version", "variable.x", "prompt_filter_results", "1001.x", "4294967295.role",
		"-1.content", "1e9.content", "3", "3x.role", ""} {
		_, _, ok := cutIndex(in)
		assert.False(t, ok, in)
	}
}

func TestFlatListGroupsSparseIndices(t *testing.T) {
	var l flatList
	attrs := pcommon.NewMap()
	putAttrs(t, attrs, map[string]any{
		"gen_ai.prompt.7.content": "eighth", "gen_ai.prompt.0.content": "first", "gen_ai.prompt.0.role": "user",
		"gen_ai.prompt.name": "not indexed", "gen_ai.prompt.2.tool_calls.1.name": "g", "gen_ai.prompt.2.tool_calls.0.name": "f",
	})
	for k, v := range attrs.All() {
		l.add(k, keyOLLPrompt, v)
	}
	var indices []int
	for n, group := range l.groups() {
		indices = append(indices, n)
		if n == 2 {
			var names []string
			for _, call := range group.sub("tool_calls.").groups() {
				names = append(names, str(call.get("name")))
			}
			assert.Equal(t, []string{"f", "g"}, names)
		}
	}
	assert.Equal(t, []int{0, 2, 7}, indices)
}

func TestTagList(t *testing.T) {
	for in, want := range map[string][]string{
		`["a","b"]`: {"a", "b"}, "a, b,,c ": {"a", "b", "c"}, "solo": {"solo"}, "": nil, `[" x ", ""]`: {"x"},
	} {
		assert.Equal(t, want, tagList(in), in)
	}
	assert.Equal(t, []string{"a", "1"}, tagList([]any{"a", int64(1), nil, map[string]any{}}))
}

func TestMetadataFillsFieldsAndCustomAttributes(t *testing.T) {
	var s segment
	attrs := pcommon.NewMap()
	putAttrs(t, attrs, map[string]any{
		"metadata":                                     `{"customer_id":"c-oi","prompt_slug":"slug-oi","nested":{"a":[1,2]},"big":12345678901234567890,"empty":""}`,
		"ai.telemetry.metadata.sessionId":              "s-v",
		"ai.telemetry.metadata.tags":                   []any{"t1", "t2"},
		"traceloop.association.properties.customer_id": "c-oll",
		"gen_ai.conversation.id":                       "conv",
	})
	s.read(attrs)
	assert.Equal(t, "c-oll", s.customer.val, "the association property ranks before OpenInference metadata")
	assert.Equal(t, "conv", s.session.val, "gen_ai.conversation.id ranks before Vercel metadata")
	assert.Equal(t, "slug-oi", s.promptSlug.val)
	assert.Equal(t, []string{"t1", "t2"}, s.tags)
	assert.Equal(t, `{"a":[1,2]}`, s.metadata["nested"], "metadata is flattened one level")
	assert.Equal(t, json.Number("12345678901234567890"), s.metadata["big"], "numbers stay exact")
	assert.NotContains(t, s.metadata, "empty")
	assert.NotContains(t, s.metadata, "customer_id")
}

func TestVercelPromptParts(t *testing.T) {
	prompt := vercelPrompt(`[
		{"role":"user","content":[{"type":"text","text":"see"},{"type":"file","data":"JVBE","mediaType":"application/pdf","filename":"a.pdf"},
			{"type":"file","data":"https://x/y.png","mediaType":"image/png"},{"type":"reasoning","text":"hm"}]},
		{"role":"assistant","content":[{"type":"reasoning","text":"only thinking"}]},
		{"role":"tool","content":[{"type":"tool-result","toolCallId":"1","output":{"type":"text","value":"plain"}},
			{"type":"tool-result","toolCallId":"2","output":{"type":"error-json","value":{"code":1}}},
			{"type":"tool-result","toolCallId":"3","output":{"type":"content","value":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}]`)
	got, err := json.Marshal(prompt)
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"role":"user","content":[{"type":"text","text":"see"},{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBE"}},
			{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},
		{"role":"tool","content":"plain","tool_call_id":"1"},
		{"role":"tool","content":"{\"code\":1}","tool_call_id":"2"},
		{"role":"tool","content":"a\nb","tool_call_id":"3"}]`, string(got))

	got, err = json.Marshal(vercelPrompt("not json"))
	require.NoError(t, err)
	assert.JSONEq(t, `[{"role":"user","content":"not json"}]`, string(got))
}

func TestVercelToolCallsAndChoice(t *testing.T) {
	v4 := vercelToolCalls(`[{"toolCallType":"function","toolCallId":"a","toolName":"f","args":"{\"x\":1}"}]`)
	v5 := vercelToolCalls(`[{"type":"tool-call","toolCallId":"b","toolName":"g","input":{"y":2}},{"type":"tool-call"}]`)
	assert.Equal(t, []ToolCall{{ID: "a", Type: "function", Function: FunctionCall{Name: "f", Arguments: `{"x":1}`}}}, v4)
	assert.Equal(t, []ToolCall{{ID: "b", Type: "function", Function: FunctionCall{Name: "g", Arguments: `{"y":2}`}}}, v5)

	assert.Equal(t, "required", vercelToolChoice(`{"type":"required"}`))
	assert.Nil(t, vercelToolChoice(""))
}

func TestOpenInferenceRawFallbacks(t *testing.T) {
	span := llmSpan(t, nil)
	putMore(t, span.Attributes(), map[string]any{
		"openinference.span.kind": "LLM",
		"input.value":             `{"model":"gpt-4o","messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]}`,
		"input.mime_type":         "application/json",
		"output.value":            `{"choices":[{"index":0,"message":{"role":"assistant","content":"a","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}`,
	})
	rec, _, ok := New(Options{}).Span(testResource(), testScope(), span)
	require.True(t, ok)
	assert.Len(t, rec.Prompt, 2)
	assert.Equal(t, "q", rec.UserQuery)
	assert.Equal(t, "a", rec.Response)
	assert.Len(t, rec.ToolCalls, 1)

	span = llmSpan(t, map[string]any{"openinference.span.kind": "LLM", "input.value": "plain question", "output.value": "plain answer"})
	rec, _, _ = New(Options{}).Span(testResource(), testScope(), span)
	assert.Equal(t, "plain question", rec.UserQuery)
	assert.Equal(t, "plain answer", rec.Response)

	span = ptrace.NewSpan()
	putAttrs(t, span.Attributes(), map[string]any{"openinference.span.kind": "EMBEDDING", "input.value": `["a","b"]`, "embedding.model_name": "e"})
	rec, _, ok = New(Options{IncludeEmbeddings: true}).Span(testResource(), testScope(), span)
	require.True(t, ok)
	assert.Equal(t, "e", rec.LanguageModelID)
	assert.Len(t, rec.Prompt, 2)
	assert.Empty(t, rec.Response)
}

func TestOpenInferenceContentsAndLegacyFunctionCall(t *testing.T) {
	span := llmSpan(t, map[string]any{
		"openinference.span.kind":                                                 "LLM",
		"llm.input_messages.0.message.role":                                       "user",
		"llm.input_messages.0.message.contents.0.message_content.type":            "text",
		"llm.input_messages.0.message.contents.0.message_content.text":            "what is this?",
		"llm.input_messages.0.message.contents.1.message_content.type":            "image",
		"llm.input_messages.0.message.contents.1.message_content.image.image.url": "https://x/cat.png",
		"llm.input_messages.0.message.contents.2.message_content.type":            "audio",
		"llm.output_messages.0.message.role":                                      "assistant",
		"llm.output_messages.0.message.function_call_name":                        "describe",
		"llm.output_messages.0.message.function_call_arguments_json":              `{"what":"cat"}`,
		"llm.invocation_parameters":                                               `{"max_tokens":10,"max_completion_tokens":20,"stop":"\n","seed":12345678901234567}`,
	})
	rec, _, ok := New(Options{}).Span(testResource(), testScope(), span)
	require.True(t, ok)
	require.Len(t, rec.Prompt, 1)
	assert.JSONEq(t, `[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"https://x/cat.png"}}]`, string(rec.Prompt[0].Content))
	assert.Equal(t, "what is this?", rec.UserQuery)
	require.Len(t, rec.ToolCalls, 1)
	assert.Equal(t, "describe", rec.ToolCalls[0].Function.Name)
	assert.Equal(t, int64(20), *rec.ModelOptions.MaxCompletionTokens, "max_completion_tokens comes first")
	assert.Equal(t, []string{"\n"}, rec.ModelOptions.Stop)
	assert.Equal(t, json.Number("12345678901234567"), extra(t, rec, "seed"))
}

// TestIndexedPromptMatchesMessages holds indexedPrompt, which converts as
// it reads, to converting the decoded messages: the same record body,
// including for messages that carry nothing and texts that outgrow the
// arena.
func TestIndexedPromptMatchesMessages(t *testing.T) {
	long := string(make([]byte, 300)) // control characters: escaped to six times their size
	for name, attrs := range map[string]map[string]any{
		"chat": {"gen_ai.prompt.0.role": "system", "gen_ai.prompt.0.content": "be brief",
			"gen_ai.prompt.1.role": "user", "gen_ai.prompt.1.content": "say \"hi\"\n"},
		"tools": {"gen_ai.prompt.0.role": "assistant", "gen_ai.prompt.0.tool_calls.0.id": "c1",
			"gen_ai.prompt.0.tool_calls.0.name": "f", "gen_ai.prompt.0.tool_calls.0.arguments": `{"a":1}`,
			"gen_ai.prompt.1.role": "tool", "gen_ai.prompt.1.tool_call_id": "c1", "gen_ai.prompt.1.content": "42",
			"gen_ai.prompt.2.role": "assistant", "gen_ai.prompt.2.function_call.name": "g"},
		"refusal and parts": {"gen_ai.prompt.0.role": "assistant", "gen_ai.prompt.0.refusal": "no",
			"gen_ai.prompt.3.role": "user", "gen_ai.prompt.3.content": `[{"type":"text","text":"look"}]`},
		"nothing to say": {"gen_ai.prompt.0.role": "user", "gen_ai.prompt.1.name": "x"},
		"arena outgrown": {"gen_ai.prompt.0.content": long, "gen_ai.prompt.1.content": long + "é",
			"gen_ai.prompt.2.content": "\xff"},
	} {
		m := pcommon.NewMap()
		putAttrs(t, m, attrs)
		var l flatList
		for k, v := range m.All() {
			l.add(k, keyOLLPrompt, v)
		}
		want := Record{Prompt: promptOf(appendIndexedMessages(nil, l, nil), "")}
		var arena textArena // empty: every text makes it grow
		got := Record{Prompt: indexedPrompt(l, &arena)}
		require.Equal(t, want.Prompt == nil, got.Prompt == nil, name)
		require.JSONEq(t, string(want.AppendJSON(nil)), string(got.AppendJSON(nil)), name)
		require.Equal(t, string(want.AppendJSON(nil)), string(got.AppendJSON(nil)), name)
	}
}

// TestPromptVariables reads the variables of a GenAI or OpenLLMetry prompt
// template from the span's attributes, not from the details event.
func TestPromptVariables(t *testing.T) {
	for _, c := range []struct {
		name  string
		attrs map[string]any
		want  map[string]any
	}{
		{"genai", map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "m",
			"gen_ai.prompt.variable.city": "Paris", "gen_ai.prompt.variable.days": int64(3)},
			map[string]any{"city": "Paris", "days": int64(3)}},
		{"openllmetry", map[string]any{"llm.request.type": "chat", "gen_ai.request.model": "m",
			"traceloop.prompt.template_variables.order_id": "o-1"},
			map[string]any{"order_id": "o-1"}},
		{"none", map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "m",
			"gen_ai.prompt.variable.": "no name"}, nil},
	} {
		span := ptrace.NewSpan()
		putAttrs(t, span.Attributes(), c.attrs)
		details := span.Events().AppendEmpty()
		details.SetName(eventDetails)
		details.Attributes().PutStr("gen_ai.prompt.variable.event_only", "x")
		rec, _, ok := New(Options{}).Span(pcommon.NewResource(), pcommon.NewInstrumentationScope(), span)
		require.True(t, ok, c.name)
		got, _ := rec.CustomAttributes.Get("prompt_variables")
		if c.want == nil {
			assert.Nil(t, got, c.name)
			continue
		}
		assert.Equal(t, c.want, got, c.name)
	}
}

// extra returns the record's extra option key.
func extra(t *testing.T, rec Record, key string) any {
	t.Helper()
	require.NotNil(t, rec.ModelOptions)
	v, ok := rec.ModelOptions.ExtraOptions.Get(key)
	require.True(t, ok, "extra option %s", key)
	return v
}

// TestVercelStreamFromOperation: a doStream call is marked stream, by
// ai.operationId or, without it, by the operation id operation.name starts
// with.
func TestVercelStreamFromOperation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		attrs  map[string]any
		stream bool
	}{
		{"operation.name", map[string]any{"operation.name": "ai.streamText.doStream my-fn"}, true},
		{"ai.operationId wins", map[string]any{"operation.name": "ai.streamText.doStream my-fn", "ai.operationId": "ai.generateText.doGenerate"}, false},
		{"ai.operationId", map[string]any{"operation.name": "ai.generateText.doGenerate", "ai.operationId": "ai.streamText.doStream"}, true},
		{"generate", map[string]any{"operation.name": "ai.generateText.doGenerate my-fn"}, false},
	} {
		td, span := benchTraces("ai")
		tc.attrs["ai.model.id"] = "gpt-4o"
		tc.attrs["ai.prompt.messages"] = `[{"role":"user","content":"hi"}]`
		putAttrs(t, span.Attributes(), tc.attrs)
		items := New(Options{}).Traces(td).Items
		require.Len(t, items, 1, tc.name)
		opts := items[0].Record.ModelOptions
		var stream bool
		if opts != nil {
			_, stream = opts.ExtraOptions.Get("stream")
		}
		assert.Equal(t, tc.stream, stream, tc.name)
	}
}

// TestMetadataJSONInItsOrder: of two keys for one field in OpenInference's
// metadata JSON, the first wins, every time (a map's order would pick
// either); a malformed object gives nothing.
func TestMetadataJSONInItsOrder(t *testing.T) {
	for range 20 {
		var s segment
		attrs := pcommon.NewMap()
		attrs.PutStr("metadata", `{"session_id":"s1","sessionId":"s2","userId":"u1","user_id":"u2","a":"x","b":{"c":1},"tags":["t"]}`)
		s.read(attrs)
		require.Equal(t, "s1", s.session.val)
		require.Equal(t, "u1", s.user.val)
		require.Equal(t, map[string]any{"a": "x", "b": `{"c":1}`}, s.metadata)
		require.Equal(t, []string{"t"}, s.tags)
	}
	var s segment
	attrs := pcommon.NewMap()
	attrs.PutStr("metadata", `{"session_id":"s1","user_id":}`)
	s.read(attrs)
	require.Empty(t, s.session.val)
}

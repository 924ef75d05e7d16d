package translate

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func testResource() pcommon.Resource {
	res := pcommon.NewResource()
	res.Attributes().PutStr("service.name", "svc")
	return res
}

func testScope() pcommon.InstrumentationScope { return pcommon.NewInstrumentationScope() }

func llmSpan(t testing.TB, attrs map[string]any) ptrace.Span {
	span := ptrace.NewSpan()
	putAttrs(t, span.Attributes(), map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"})
	putMore(t, span.Attributes(), attrs)
	return span
}

func putMore(t testing.TB, m pcommon.Map, attrs map[string]any) {
	t.Helper()
	for k, v := range attrs {
		require.NoError(t, m.PutEmpty(k).FromRaw(v))
	}
}

func TestOptions(t *testing.T) {
	tr := New(Options{Environment: "cfg-env", Tags: []string{"b", "a", "b", " ", "a"}, PromptSlug: "cfg-slug"})

	rec, _, ok := tr.Span(pcommon.NewResource(), testScope(), llmSpan(t, nil))
	require.True(t, ok)
	assert.Equal(t, "cfg-env", rec.Environment)
	assert.Equal(t, "cfg-slug", rec.PromptSlug)
	assert.Equal(t, []string{"b", "a"}, rec.Tags)
	assert.Equal(t, []Message{}, rec.Prompt)
	assert.Nil(t, rec.ModelOptions)
	assert.Nil(t, rec.TotalTokens)
	assert.Equal(t, 200, rec.StatusCode)

	res := pcommon.NewResource()
	res.Attributes().PutStr("deployment.environment", "res-old")
	rec, _, _ = tr.Span(res, testScope(), llmSpan(t, map[string]any{"gen_ai.prompt.name": "span-slug"}))
	assert.Equal(t, "res-old", rec.Environment)
	assert.Equal(t, "span-slug", rec.PromptSlug)

	res.Attributes().PutStr("deployment.environment.name", "res-new")
	rec, _, _ = tr.Span(res, testScope(), llmSpan(t, nil))
	assert.Equal(t, "res-new", rec.Environment)

	rec, _, _ = tr.Span(res, testScope(), llmSpan(t, map[string]any{"deployment.environment": "span-env"}))
	assert.Equal(t, "span-env", rec.Environment)

	rec.Tags = append(rec.Tags, "mine")
	other, _, _ := tr.Span(res, testScope(), llmSpan(t, nil))
	assert.Equal(t, []string{"b", "a"}, other.Tags, "records do not share appends")
}

func TestIdentityAndTiming(t *testing.T) {
	span := llmSpan(t, map[string]any{"gen_ai.conversation.id": "conv", "enduser.id": "eu"})
	span.SetTraceID(pcommon.TraceID{0xab, 1})
	span.SetSpanID(pcommon.SpanID{0xcd, 2})
	span.SetStartTimestamp(5_000_000_000)
	span.SetEndTimestamp(4_000_000_000)

	rec, _, ok := New(Options{}).Span(testResource(), testScope(), span)
	require.True(t, ok)
	assert.Equal(t, "ab010000000000000000000000000000-cd02000000000000", rec.ExternalReferenceID)
	assert.Zero(t, rec.ResponseTime, "end before start")
	assert.Equal(t, "conv", rec.SessionID)
	assert.Equal(t, "eu", rec.CustomerUserID)
	assert.NotContains(t, rec.CustomAttributes.Map(), "parent_span_id")
	assert.NotContains(t, rec.CustomAttributes.Map(), "otel_dropped_attributes")
}

func TestTokens(t *testing.T) {
	tests := []struct {
		attrs                     map[string]any
		prompt, completion, total any
	}{
		{map[string]any{"gen_ai.usage.input_tokens": "10", "gen_ai.usage.output_tokens": 5.0}, int64(10), int64(5), int64(15)},
		{map[string]any{"gen_ai.usage.prompt_tokens": 7, "gen_ai.usage.completion_tokens": 3}, int64(7), int64(3), int64(10)},
		{map[string]any{"gen_ai.usage.input_tokens": 1, "gen_ai.usage.prompt_tokens": 9}, int64(1), nil, nil},
		{map[string]any{"gen_ai.usage.output_tokens": 4, "gen_ai.usage.total_tokens": 99}, nil, int64(4), int64(99)},
	}
	for i, tt := range tests {
		rec, _, ok := New(Options{}).Span(testResource(), testScope(), llmSpan(t, tt.attrs))
		require.True(t, ok)
		assert.Equal(t, tt.prompt, deref(rec.PromptTokens), "case %d prompt", i)
		assert.Equal(t, tt.completion, deref(rec.CompletionTokens), "case %d completion", i)
		assert.Equal(t, tt.total, deref(rec.TotalTokens), "case %d total", i)
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestWrongTypesNeverPanic puts every value type on every key a reader
// looks at and checks the records still marshal to valid JSON.
func TestWrongTypesNeverPanic(t *testing.T) {
	keys := []string{
		"gen_ai.request.model", "gen_ai.response.model", "gen_ai.input.messages", "gen_ai.output.messages",
		"gen_ai.system_instructions", "gen_ai.tool.definitions", "gen_ai.usage.input_tokens",
		"gen_ai.usage.output_tokens", "gen_ai.usage.total_tokens", "gen_ai.conversation.id", "gen_ai.prompt.name",
		"gen_ai.provider.name", "gen_ai.response.id", "gen_ai.response.finish_reasons", "gen_ai.request.temperature",
		"gen_ai.request.max_tokens", "gen_ai.request.stop_sequences", "gen_ai.request.top_p", "gen_ai.request.top_k",
		"gen_ai.request.seed", "gen_ai.request.choice.count", "gen_ai.request.stream", "gen_ai.output.type",
		"gen_ai.system", "gen_ai.prompt", "gen_ai.completion", "gen_ai.usage.prompt_tokens", "session.id",
		"user.id", "enduser.id", "deployment.environment.name", "server.address", "error.type",
		"http.response.status_code",
		// OpenLLMetry, OpenInference, Vercel AI SDK.
		"gen_ai.prompt.0.content", "gen_ai.completion.0.tool_calls.0.arguments", "llm.request.functions.0.parameters",
		"traceloop.association.properties.tags", "llm.input_messages.0.message.content",
		"llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", "llm.invocation_parameters",
		"llm.tools.0.tool.json_schema", "metadata", "tag.tags", "input.value", "output.value", "llm.cost.total",
		"ai.prompt.messages", "ai.prompt", "ai.response.toolCalls", "ai.prompt.tools", "ai.prompt.toolChoice",
		"ai.telemetry.metadata.tags", "ai.settings.stopSequences", "ai.response.object", "ai.values",
	}
	bytesValue := pcommon.NewValueBytes()
	bytesValue.Bytes().FromRaw([]byte("\xff\x00raw"))
	values := []any{
		"", "x", "\xff\xfe", "[", "{", "[1,2]", `[{"parts":{"a":1}}]`, `[{"role":{"x":1},"parts":[{"type":1,"content":[1]}]}]`,
		`[[{"role":"user"}]]`, `"\"[{\\\"role\\\":\\\"user\\\"}]\""`, int64(-1), 1.5, true, nil,
		[]any{}, []any{"s", int64(1), nil, []any{}, map[string]any{}},
		[]any{map[string]any{"role": int64(1), "parts": "x", "content": map[string]any{"a": "\xff"}, "tool_calls": "[{"}},
		[]any{map[string]any{"parts": []any{map[string]any{"type": "tool_call", "name": "f", "arguments": []any{1.5}},
			map[string]any{"type": "blob", "content": []byte("png")}, "not a map"}}},
		map[string]any{"role": "user", "message": "oops", "parts": []any{map[string]any{"type": "text", "content": int64(3)}}},
	}
	tr := New(Options{MaxFieldBytes: 3})
	for _, key := range keys {
		for i, v := range append(values, bytesValue) {
			t.Run(fmt.Sprintf("%s/%d", key, i), func(t *testing.T) {
				span := llmSpan(t, nil)
				if pv, ok := v.(pcommon.Value); ok {
					pv.CopyTo(span.Attributes().PutEmpty(key))
				} else {
					require.NoError(t, span.Attributes().PutEmpty(key).FromRaw(v))
				}
				ev := span.Events().AppendEmpty()
				ev.SetName("gen_ai.choice")
				if pv, ok := v.(pcommon.Value); ok {
					pv.CopyTo(ev.Attributes().PutEmpty("message"))
				} else {
					require.NoError(t, ev.Attributes().PutEmpty("message").FromRaw(v))
				}
				span.Status().SetCode(ptrace.StatusCodeError)

				rec, _, ok := tr.Span(testResource(), testScope(), span)
				if !ok {
					return
				}
				out, err := json.Marshal(rec)
				require.NoError(t, err)
				require.True(t, json.Valid(out))
				assert.NotNil(t, rec.Prompt)
			})
		}
	}
}

func TestInvalidUTF8MakesValidJSON(t *testing.T) {
	span := llmSpan(t, map[string]any{
		"gen_ai.input.messages":  "[{\"role\":\"user\",\"content\":\"bad \xff\"},{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"also \xfe\"}]}]",
		"gen_ai.output.messages": "not json \xff",
	})
	rec, _, ok := New(Options{}).Span(testResource(), testScope(), span)
	require.True(t, ok)
	out, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.True(t, json.Valid(out))
	require.Len(t, rec.Prompt, 2)
	assert.Equal(t, "\"bad \uFFFD\"", string(rec.Prompt[0].Content))
}

func TestConcurrentUse(t *testing.T) {
	tr := New(Options{Tags: []string{"t"}, MaxFieldBytes: 64})
	span := chatSpan(3, true)
	want, _, _ := tr.Span(testResource(), testScope(), span)
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				got, _, _ := tr.Span(testResource(), testScope(), span)
				gotJSON, _ := json.Marshal(got)
				assert.JSONEq(t, string(wantJSON), string(gotJSON))
			}
		})
	}
	wg.Wait()
}

func TestSpanWithoutModelStillMakesAValidRecord(t *testing.T) {
	span := ptrace.NewSpan()
	putMore(t, span.Attributes(), map[string]any{
		"gen_ai.operation.name": "chat",
		"gen_ai.request.model":  "",
		"gen_ai.input.messages": `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`,
	})

	rec, _, ok := New(Options{}).Span(testResource(), testScope(), span)

	require.True(t, ok)
	assert.Equal(t, UnknownModel, rec.LanguageModelID, "the API rejects a record without a model")
	assert.Equal(t, "hi", rec.UserQuery)
}

package translate

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeRole(t *testing.T) {
	for in, want := range map[string]string{
		"": "user", "user": "user", "Human": "user", "human": "user",
		"assistant": "assistant", "AI": "assistant", "model": "assistant", "bot": "assistant",
		"system": "system", "SYSTEM": "system", "developer": "developer",
		"tool": "tool", "function": "tool", "critic": "critic",
	} {
		assert.Equal(t, want, normalizeRole(in, "user"), in)
	}
}

func TestFinishReason(t *testing.T) {
	for in, want := range map[string]string{
		"stop": "stop", "tool_call": "tool_calls", "tool_calls": "tool_calls", "tool-calls": "tool_calls",
		"tool_use": "tool_calls", "end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
		"content-filter": "content_filter", "error": "error", "other": "other",
	} {
		assert.Equal(t, want, finishReason(in), in)
	}
}

// TestMessageConversion covers the GenAI part and OpenAI message shapes
// (spec S.6), as JSON strings.
func TestMessageConversion(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // JSON of the prompt
	}{
		{
			name: "tool_call_response variants",
			in: `[{"role":"tool","parts":[
				{"type":"tool_call_response","id":"a","response":"r1"},
				{"type":"tool_call_response","id":"b","result":{"x":1}},
				{"type":"tool_result","toolCallId":"c","output":"r3"},
				{"type":"tool_call_response","id":"d"}]}]`,
			want: `[{"role":"tool","content":"r1","tool_call_id":"a"},
				{"role":"tool","content":"{\"x\":1}","tool_call_id":"b"},
				{"role":"tool","content":"r3","tool_call_id":"c"},
				{"role":"tool","content":"","tool_call_id":"d"}]`,
		},
		{
			name: "tool result before the text of the same message",
			in:   `[{"role":"user","parts":[{"type":"tool_call_response","id":"a","response":"ok"},{"type":"text","content":"next?"}]}]`,
			want: `[{"role":"tool","content":"ok","tool_call_id":"a"},{"role":"user","content":"next?"}]`,
		},
		{
			name: "tool call with string and object arguments",
			in: `[{"role":"assistant","parts":[
				{"type":"tool_call","id":"1","name":"f","arguments":"{\"a\":1}"},
				{"type":"tool_call","id":"2","name":"g","arguments":{"b":[true]}},
				{"type":"tool_call","id":"3"}]}]`,
			want: `[{"role":"assistant","content":null,"tool_calls":[
				{"id":"1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
				{"id":"2","type":"function","function":{"name":"g","arguments":"{\"b\":[true]}"}}]}]`,
		},
		{
			name: "blob without mime type or modality, older data field",
			in:   `[{"role":"user","parts":[{"type":"blob","data":"AAAA"}]}]`,
			want: `[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:application/octet-stream;base64,AAAA"}}]}]`,
		},
		{
			name: "audio blob and video uri are dropped",
			in: `[{"role":"user","parts":[{"type":"text","content":"listen"},
				{"type":"blob","modality":"audio","mime_type":"audio/wav","content":"AAAA"},
				{"type":"uri","modality":"video","uri":"https://x/v.mp4"}]}]`,
			want: `[{"role":"user","content":"listen"}]`,
		},
		{
			name: "reasoning only message is dropped",
			in:   `[{"role":"assistant","parts":[{"type":"reasoning","content":"hmm"}]},{"role":"user","parts":[{"type":"text","content":"hi"}]}]`,
			want: `[{"role":"user","content":"hi"}]`,
		},
		{
			name: "empty text is kept",
			in:   `[{"role":"user","parts":[{"type":"text","content":""}]}]`,
			want: `[{"role":"user","content":""}]`,
		},
		{
			name: "message name",
			in:   `[{"role":"user","name":"alice","parts":[{"type":"text","content":"hi"}]}]`,
			want: `[{"role":"user","name":"alice","content":"hi"}]`,
		},
		{
			name: "OpenAI messages in the GenAI attribute",
			in: `[{"role":"user","content":[{"type":"text","text":"a"}]},
				{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
				{"role":"tool","tool_call_id":"t","content":"done"},
				{"role":"user","content":{"odd":"object"}},
				{"role":"user"}]`,
			want: `[{"role":"user","content":[{"type":"text","text":"a"}]},
				{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
				{"role":"tool","content":"done","tool_call_id":"t"},
				{"role":"user","content":"{\"odd\":\"object\"}"}]`,
		},
		{
			name: "single message object",
			in:   `{"role":"user","parts":[{"type":"text","content":"one"}]}`,
			want: `[{"role":"user","content":"one"}]`,
		},
		{
			name: "JSON string holding plain text",
			in:   `"just words"`,
			want: `[{"role":"user","content":"just words"}]`,
		},
		{
			name: "truncated JSON kept as text",
			in:   `[{"role":"user","parts":[`,
			want: `[{"role":"user","content":"[{\"role\":\"user\",\"parts\":["}]`,
		},
		{
			name: "object that is no message kept as text",
			in:   `{"foo":1}`,
			want: `[{"role":"user","content":"{\"foo\":1}"}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(promptOf(decodeMessages(tt.in)))
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
}

func TestResponseOf(t *testing.T) {
	tests := []struct {
		name, in, text string
		calls          int
	}{
		{"parts", `[{"role":"assistant","parts":[{"type":"text","content":"a"},{"type":"reasoning","content":"x"},{"type":"text","content":"b"}]}]`, "a\nb", 0},
		{"tool call only", `[{"role":"assistant","parts":[{"type":"tool_call","id":"1","name":"f"}],"finish_reason":"tool_call"}]`, "", 1},
		{"OpenAI message", `[{"role":"assistant","content":"hi","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{}"}}]}]`, "hi", 1},
		{"OpenAI content parts", `[{"role":"assistant","content":[{"type":"text","text":"x"},{"type":"text","text":"y"}]}]`, "x\ny", 0},
		{"choice wrapper", `[{"index":0,"finish_reason":"stop","message":{"content":"wrapped"}}]`, "wrapped", 0},
		{"first choice only", `[{"parts":[{"type":"text","content":"1"}]},{"parts":[{"type":"text","content":"2"}]}]`, "1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, text := decodeMessages(tt.in)
			require.Empty(t, text)
			require.NotEmpty(t, msgs)
			got, calls := responseOf(&msgs[0])
			assert.Equal(t, tt.text, got)
			assert.Len(t, calls, tt.calls)
		})
	}
}

func TestReadTools(t *testing.T) {
	tools := readTools(value(t, `[
		{"type":"function","name":"a","description":"A","parameters":{"type":"object"}},
		{"type":"function","function":{"name":"b","parameters":"{\"type\":\"object\"}"}},
		{"type":"web_search","name":"search"},
		{"type":"function","name":"c","parameters":[1]},
		{"description":"nameless"}]`))
	got, err := json.Marshal(tools)
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"type":"function","function":{"name":"a","description":"A","parameters":{"type":"object"}}},
		{"type":"function","function":{"name":"b","parameters":{"type":"object"}}},
		{"type":"web_search","function":{"name":"search"}},
		{"type":"function","function":{"name":"c"}}]`, string(got))

	structured := readTools(value(t, []any{map[string]any{
		"type": "function", "name": "s", "parameters": map[string]any{"type": "object"}}}))
	require.Len(t, structured, 1)
	assert.JSONEq(t, `{"type":"object"}`, string(structured[0].Function.Parameters))

	assert.Nil(t, readTools(value(t, "[{broken")))
	assert.Nil(t, readTools(value(t, int64(3))))

	// The Vercel AI SDK's form: a list of JSON texts, one per definition;
	// a text that is not one JSON value is no definition, and leaves
	// nothing of itself in the next.
	listed := readTools(value(t, []any{
		`{"type":"function","name":"v","parameters":{"type":"object"}}`,
		`{"name":"broken","parameters":{"type":"object"}`,
		`{"name":"trailing"} {}`,
		`{"type":"function","name":"w"}`,
		map[string]any{"type": "function", "name": "m"},
	}))
	got, err = json.Marshal(listed)
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"type":"function","function":{"name":"v","parameters":{"type":"object"}}},
		{"type":"function","function":{"name":"w"}},
		{"type":"function","function":{"name":"m"}}]`, string(got))
}

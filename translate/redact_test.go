package translate

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toolTurn is a record of a second tool-calling turn: the prompt holds an
// earlier tool call and its result, the response asks for another tool.
func toolTurn() Record {
	return Record{
		LanguageModelID: "gpt-4o",
		Prompt: []Message{
			{Role: "system", Content: jsonString("You are a travel agent.")},
			{Role: "user", Content: jsonString("Weather in Paris for my card 4111-1111?")},
			{Role: "assistant", Content: json.RawMessage("null"), ToolCalls: []ToolCall{{
				ID: "call_1", Type: "function",
				Function: FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris"}`},
			}}},
			{Role: "tool", ToolCallID: "call_1", Content: jsonString(`{"temp_c":21}`)},
			{Role: "user", Content: json.RawMessage(`[{"type":"text","text":"and tomorrow?"}]`)},
		},
		Response:  "Let me check.",
		UserQuery: "and tomorrow?",
		Context:   "Paris is in France.",
		ToolCalls: []ToolCall{{
			ID: "call_2", Type: "function",
			Function: FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris","day":"tomorrow"}`},
		}},
		CustomAttributes: AttributesOf(map[string]any{
			"trace_id": "t1", "server_address": "api.openai.com", "span_name": "chat",
			"prompt_template": "Weather in {city} for card {card}?", "prompt_variables": map[string]any{"card": "4111-1111"},
		}),
	}
}

func TestRedactNothingByDefault(t *testing.T) {
	rec := toolTurn()
	Redaction{}.Apply(&rec)
	assert.Equal(t, toolTurn(), rec)
}

func TestRedactEachField(t *testing.T) {
	tests := map[string]struct {
		fields []string
		keys   []string
		check  func(t *testing.T, rec Record)
		listed []string
	}{
		"prompt": {
			fields: []string{RedactPrompt},
			listed: []string{"prompt"},
			check: func(t *testing.T, rec Record) {
				require.Len(t, rec.Prompt, 5, "the messages stay, so roles and turns still show")
				for i, m := range rec.Prompt {
					if i == 2 {
						assert.JSONEq(t, "null", string(m.Content), "a tool-only assistant message keeps null content")
						continue
					}
					assert.JSONEq(t, `"[REDACTED]"`, string(m.Content), "message %d", i)
				}
				assert.Equal(t, Redacted, rec.UserQuery, "user_query is prompt content too")
				assert.NotContains(t, rec.CustomAttributes.Map(), "prompt_template")
				assert.NotContains(t, rec.CustomAttributes.Map(), "prompt_variables")
				assert.Equal(t, `{"city":"Paris"}`, rec.Prompt[2].ToolCalls[0].Function.Arguments,
					"tool arguments are their own field")
				assert.Equal(t, "Let me check.", rec.Response)
			},
		},
		"response": {
			fields: []string{RedactResponse},
			listed: []string{"response"},
			check: func(t *testing.T, rec Record) {
				assert.Equal(t, Redacted, rec.Response)
				assert.Equal(t, "and tomorrow?", rec.UserQuery)
			},
		},
		"context": {
			fields: []string{RedactContext},
			listed: []string{"context"},
			check: func(t *testing.T, rec Record) {
				assert.Equal(t, Redacted, rec.Context)
			},
		},
		"tool arguments": {
			fields: []string{RedactToolArguments},
			listed: []string{"tool_arguments"},
			check: func(t *testing.T, rec Record) {
				assert.Equal(t, Redacted, rec.ToolCalls[0].Function.Arguments)
				assert.Equal(t, "get_weather", rec.ToolCalls[0].Function.Name, "which tool was called stays")
				assert.Equal(t, Redacted, rec.Prompt[2].ToolCalls[0].Function.Arguments)
				assert.JSONEq(t, `"{\"temp_c\":21}"`, string(rec.Prompt[3].Content),
					"a tool's result is prompt content, not its arguments")
			},
		},
		"custom attributes": {
			keys:   []string{"server_address", "not_there"},
			listed: []string{"custom_attributes.server_address"},
			check: func(t *testing.T, rec Record) {
				assert.NotContains(t, rec.CustomAttributes.Map(), "server_address")
				assert.Equal(t, "t1", rec.CustomAttributes.Map()["trace_id"])
			},
		},
		"everything": {
			fields: RedactableFields,
			keys:   []string{"span_name"},
			listed: []string{"prompt", "response", "context", "tool_arguments", "custom_attributes.span_name"},
			check:  func(*testing.T, Record) {},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := NewRedaction(tt.fields, tt.keys)
			require.NoError(t, err)
			rec := toolTurn()

			r.Apply(&rec)

			tt.check(t, rec)
			assert.Equal(t, tt.listed, rec.CustomAttributes.Map()["redacted_fields"])
			_, err = json.Marshal(rec)
			require.NoError(t, err, "a redacted record still encodes")
		})
	}
}

// TestRedactEmptyFieldsAreNotListed: redacted_fields says what was withheld,
// so a record without a response or context does not claim either.
func TestRedactEmptyFieldsAreNotListed(t *testing.T) {
	r, err := NewRedaction(RedactableFields, []string{"missing"})
	require.NoError(t, err)
	rec := Record{LanguageModelID: "m", Prompt: []Message{}}

	r.Apply(&rec)

	assert.Equal(t, Record{LanguageModelID: "m", Prompt: []Message{}}, rec)
}

func TestRedactUnknownField(t *testing.T) {
	_, err := NewRedaction([]string{"prompt", "completion"}, nil)
	require.EqualError(t, err,
		`fields[1]: unknown field "completion", must be one of [prompt response context tool_arguments]`)
}

// TestRedactedPromptKeepsNoOriginalText checks the redacted record's JSON
// for any of the original content, whatever shape it had.
func TestRedactedPromptKeepsNoOriginalText(t *testing.T) {
	r, err := NewRedaction(RedactableFields, nil)
	require.NoError(t, err)
	rec := toolTurn()

	r.Apply(&rec)

	body, err := json.Marshal(rec)
	require.NoError(t, err)
	secrets := []string{"4111-1111", "travel agent", "tomorrow", "temp_c", "Let me check", "in France"}
	for _, secret := range secrets {
		assert.NotContains(t, string(body), secret)
	}
}

package translate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// AppendJSON appends the record as the JSON object the API takes and
// returns the extended buffer. The bytes are those encoding/json writes
// with SetEscapeHTML(false) (Encoder.Encode adds a newline after them):
// fields in struct order, optional fields omitted when empty, map keys
// sorted, json.RawMessage compacted. Where encoding/json fails instead, the
// record stays valid JSON: a non-finite number is written as null, a
// json.RawMessage that is not JSON as a string of its text.
//
// It exists because encoding/json's reflection was a fifth of the cost of
// a record (README, "Translation benchmarks").
func (r *Record) AppendJSON(dst []byte) []byte {
	b := append(dst, `{"language_model_id":`...)
	b = appendJSONString(b, r.LanguageModelID)
	b = append(b, `,"prompt":`...)
	b = appendMessages(b, r.Prompt)
	b = append(b, `,"response":`...)
	b = appendJSONString(b, r.Response)
	b = appendOptString(b, `,"user_query":`, r.UserQuery)
	b = appendOptString(b, `,"context":`, r.Context)
	b = append(b, `,"response_time":`...)
	b = strconv.AppendInt(b, r.ResponseTime, 10)
	if r.StatusCode != 0 {
		b = append(b, `,"status_code":`...)
		b = strconv.AppendInt(b, int64(r.StatusCode), 10)
	}
	b = appendOptString(b, `,"error":`, r.Error)
	b = appendOptInt(b, `,"prompt_tokens":`, r.PromptTokens)
	b = appendOptInt(b, `,"completion_tokens":`, r.CompletionTokens)
	b = appendOptInt(b, `,"total_tokens":`, r.TotalTokens)
	b = appendOptFloat(b, `,"cost":`, r.Cost)
	b = appendOptString(b, `,"prompt_slug":`, r.PromptSlug)
	b = appendOptString(b, `,"environment":`, r.Environment)
	b = appendOptString(b, `,"customer_id":`, r.CustomerID)
	b = appendOptString(b, `,"customer_user_id":`, r.CustomerUserID)
	b = appendOptString(b, `,"session_id":`, r.SessionID)
	b = appendOptString(b, `,"external_reference_id":`, r.ExternalReferenceID)
	if len(r.Tags) > 0 {
		b = append(b, `,"tags":`...)
		b = appendStrings(b, r.Tags)
	}
	if len(r.Tools) > 0 {
		b = append(b, `,"tools":`...)
		b = appendTools(b, r.Tools)
	}
	if len(r.ToolCalls) > 0 {
		b = append(b, `,"tool_calls":`...)
		b = appendToolCalls(b, r.ToolCalls)
	}
	if r.ModelOptions != nil {
		b = append(b, `,"model_options":`...)
		b = r.ModelOptions.appendJSON(b)
	}
	if len(r.CustomAttributes) > 0 {
		b = append(b, `,"custom_attributes":`...)
		b = r.CustomAttributes.appendJSON(b)
	}
	return append(b, '}')
}

func appendMessages(b []byte, msgs []Message) []byte {
	if msgs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		m := &msgs[i]
		b = append(b, `{"role":`...)
		b = appendJSONString(b, m.Role)
		b = append(b, `,"content":`...)
		if m.built.is(m.Content) {
			b = append(b, m.Content...)
		} else {
			b = appendRawJSON(b, m.Content)
		}
		b = appendOptString(b, `,"name":`, m.Name)
		if len(m.ToolCalls) > 0 {
			b = append(b, `,"tool_calls":`...)
			b = appendToolCalls(b, m.ToolCalls)
		}
		b = appendOptString(b, `,"tool_call_id":`, m.ToolCallID)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendToolCalls(b []byte, calls []ToolCall) []byte {
	b = append(b, '[')
	for i := range calls {
		if i > 0 {
			b = append(b, ',')
		}
		c := &calls[i]
		b = append(b, '{')
		if c.ID != "" {
			b = append(b, `"id":`...)
			b = appendJSONString(b, c.ID)
			b = append(b, ',')
		}
		b = append(b, `"type":`...)
		b = appendJSONString(b, c.Type)
		b = append(b, `,"function":{"name":`...)
		b = appendJSONString(b, c.Function.Name)
		b = append(b, `,"arguments":`...)
		b = appendJSONString(b, c.Function.Arguments)
		b = append(b, "}}"...)
	}
	return append(b, ']')
}

func appendTools(b []byte, tools []Tool) []byte {
	b = append(b, '[')
	for i := range tools {
		if i > 0 {
			b = append(b, ',')
		}
		t := &tools[i]
		b = append(b, `{"type":`...)
		b = appendJSONString(b, t.Type)
		b = append(b, `,"function":{"name":`...)
		b = appendJSONString(b, t.Function.Name)
		b = appendOptString(b, `,"description":`, t.Function.Description)
		if len(t.Function.Parameters) > 0 {
			b = append(b, `,"parameters":`...)
			b = appendRawJSON(b, t.Function.Parameters)
		}
		b = append(b, "}}"...)
	}
	return append(b, ']')
}

func (o *ModelOptions) appendJSON(b []byte) []byte {
	start := len(b)
	b = appendOptFloat(b, `,"temperature":`, o.Temperature)
	b = appendOptInt(b, `,"max_completion_tokens":`, o.MaxCompletionTokens)
	if len(o.Stop) > 0 {
		b = append(b, `,"stop":`...)
		b = appendStrings(b, o.Stop)
	}
	b = appendOptFloat(b, `,"top_p":`, o.TopP)
	if len(o.ExtraOptions) > 0 {
		b = append(b, `,"extra_options":`...)
		b = o.ExtraOptions.appendJSON(b)
	}
	return closeObject(b, start)
}

// closeObject ends an object whose fields, from start on, were each
// written with a leading comma: the first comma becomes the opening brace.
func closeObject(b []byte, start int) []byte {
	if len(b) == start {
		return append(b, "{}"...)
	}
	b[start] = '{'
	return append(b, '}')
}

// appendOptString appends key and s unless s is empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

func appendOptInt(b []byte, key string, n *int64) []byte {
	if n == nil {
		return b
	}
	return strconv.AppendInt(append(b, key...), *n, 10)
}

func appendOptFloat(b []byte, key string, f *float64) []byte {
	if f == nil {
		return b
	}
	return appendFloat(append(b, key...), *f)
}

func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendMap appends a map with its keys sorted, as encoding/json does.
func appendMap(b []byte, m map[string]any) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var stack [32]Attribute // options and nested values rarely have more keys
	entries := Attributes(stack[:0])
	for k, v := range m {
		entries = append(entries, Attribute{Key: k, value: v})
	}
	slices.SortFunc(entries, func(x, y Attribute) int { return strings.Compare(x.Key, y.Key) })
	return entries.appendJSON(b)
}

// appendAny appends a custom attribute or extra option: the values pdata's
// AsRaw, encoding/json's decoding and the readers produce. Any other type
// is left to encoding/json.
func appendAny(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		return appendFloat(b, v)
	case json.Number:
		return appendNumber(b, v)
	case []string:
		return appendStrings(b, v)
	case []any:
		if v == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, item := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAny(b, item)
		}
		return append(b, ']')
	case map[string]any:
		return appendMap(b, v)
	case []byte:
		if v == nil {
			return append(b, "null"...)
		}
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v)
		return append(b, '"')
	case json.RawMessage:
		return appendRawJSON(b, v)
	}
	return appendOther(b, v)
}

// appendNumber appends a json.Number as encoding/json does: its text, "0"
// when empty; null when it is no number (encoding/json fails).
func appendNumber(b []byte, n json.Number) []byte {
	if n == "" {
		return append(b, '0')
	}
	r := jsonReader[string]{data: string(n)}
	if r.peek() != '-' && (r.peek() < '0' || r.peek() > '9') {
		return append(b, "null"...)
	}
	if r.number(); !r.atEnd() || r.spaced {
		return append(b, "null"...)
	}
	return append(b, n...)
}

// appendOther encodes a value of a type no reader produces with
// encoding/json; null if it cannot be encoded.
func appendOther(b []byte, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return append(b, "null"...)
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

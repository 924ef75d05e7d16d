package translate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// redacted is what OpenInference's hide options write instead of content.
// Like an empty string it means "absent" (spec S.0.4).
const redacted = "__REDACTED__"

// present reports whether v holds a looked-up attribute (is not the zero
// Value, which must not be read).
func present(v pcommon.Value) bool { return v != pcommon.Value{} }

// getAttr returns the value of key, or the zero Value when it is absent.
func getAttr(m pcommon.Map, key string) pcommon.Value {
	if v, ok := m.Get(key); ok {
		return v
	}
	return pcommon.Value{}
}

// str returns v as text: a string as it is, a number or bool formatted.
// Absent values, empty or redacted strings, maps, slices and bytes give "".
func str(v pcommon.Value) string {
	if !present(v) {
		return ""
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if s := v.Str(); s != redacted {
			return s
		}
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble:
		if f := v.Double(); finite(f) {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case pcommon.ValueTypeBool:
		return strconv.FormatBool(v.Bool())
	}
	return ""
}

// intValue coerces v to an integer: ints as they are, whole doubles, and
// strings holding either (OTLP/JSON writes int64 as strings).
func intValue(v pcommon.Value) (int64, bool) {
	if !present(v) {
		return 0, false
	}
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int(), true
	case pcommon.ValueTypeDouble:
		return wholeNumber(v.Double())
	case pcommon.ValueTypeStr:
		s := strings.TrimSpace(v.Str())
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return wholeNumber(f)
		}
	}
	return 0, false
}

// floatValue coerces v to a finite float: doubles, ints and numeric strings.
func floatValue(v pcommon.Value) (float64, bool) {
	if !present(v) {
		return 0, false
	}
	var f float64
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		f = v.Double()
	case pcommon.ValueTypeInt:
		return float64(v.Int()), true
	case pcommon.ValueTypeStr:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v.Str()), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if !finite(f) {
		return 0, false
	}
	return f, true
}

// boolValue coerces v to a bool: bools, "true"/"false" strings, 0 and 1.
func boolValue(v pcommon.Value) (bool, bool) {
	if !present(v) {
		return false, false
	}
	switch v.Type() {
	case pcommon.ValueTypeBool:
		return v.Bool(), true
	case pcommon.ValueTypeStr:
		b, err := strconv.ParseBool(strings.TrimSpace(v.Str()))
		return b, err == nil
	case pcommon.ValueTypeInt:
		switch v.Int() {
		case 0:
			return false, true
		case 1:
			return true, true
		}
	}
	return false, false
}

// numberValue returns v as an int64 when it is whole, else as a float64,
// for options whose type moved between convention versions (top_k).
func numberValue(v pcommon.Value) (any, bool) {
	if n, ok := intValue(v); ok {
		return n, true
	}
	if f, ok := floatValue(v); ok {
		return f, true
	}
	return nil, false
}

// onlyString returns the text of a one-item list, as stringsValue would
// return it, without making the list.
func onlyString(v pcommon.Value) (string, bool) {
	if !present(v) || v.Type() != pcommon.ValueTypeSlice || v.Slice().Len() != 1 {
		return "", false
	}
	s := str(v.Slice().At(0))
	return s, s != ""
}

// stringsValue coerces v to a string list: a slice of scalars, a JSON array
// in a string, or a single string as a one-element list. Empty items are
// dropped; nil means nothing usable.
func stringsValue(v pcommon.Value) []string {
	if !present(v) {
		return nil
	}
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		var out []string
		for i := 0; i < sl.Len(); i++ {
			if s := str(sl.At(i)); s != "" {
				out = append(out, s)
			}
		}
		return out
	case pcommon.ValueTypeStr:
		s := strings.TrimSpace(v.Str())
		if s == "" || s == redacted {
			return nil
		}
		if s[0] == '[' {
			var list []anyText
			if decodeJSON([]byte(s), &list) {
				out := make([]string, 0, len(list))
				for _, item := range list {
					if item != "" {
						out = append(out, string(item))
					}
				}
				return out
			}
		}
		return []string{s}
	}
	if s := str(v); s != "" {
		return []string{s}
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func wholeNumber(f float64) (int64, bool) {
	if !finite(f) || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// anyText is a JSON field that should be a string but may arrive as any
// JSON value: a string decodes to its text, null to "", anything else keeps
// its JSON text (an arguments object, a numeric id).
type anyText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *anyText) UnmarshalJSON(data []byte) error {
	if len(data) == 0 || string(data) == "null" {
		*t = ""
		return nil
	}
	if data[0] != '"' {
		*t = anyText(data)
		return nil
	}
	s, err := unquote(data)
	*t = anyText(s)
	return err
}

// jsonValue is a JSON value kept as its text, as json.RawMessage keeps
// it, but in a string: decoded from a string, it shares the string's
// bytes instead of copying them.
type jsonValue string

// UnmarshalJSON implements json.Unmarshaler.
func (v *jsonValue) UnmarshalJSON(data []byte) error {
	*v = jsonValue(data)
	return nil
}

// unquote decodes a JSON string. Names and roles that recur in every
// message are returned without allocating.
func unquote[T jsonText](data T) (string, error) {
	switch string(data) {
	case `"text"`:
		return "text", nil
	case `"user"`:
		return "user", nil
	case `"assistant"`:
		return "assistant", nil
	case `"system"`:
		return "system", nil
	case `"tool"`:
		return "tool", nil
	case `"tool_call"`:
		return "tool_call", nil
	case `"tool_call_response"`:
		return "tool_call_response", nil
	case `"function"`:
		return "function", nil
	case `"object"`:
		return "object", nil
	case `"stop"`:
		return "stop", nil
	}
	r := jsonReader[T]{data: data}
	lit, escaped := r.str()
	if !r.atEnd() {
		return "", errors.New("translate: not a JSON string")
	}
	return unquoteJSON(lit, escaped), nil
}

// decodeJSON decodes data into v. Values of the wrong type leave their
// field empty (encoding/json carries on past them); only malformed JSON
// reports false.
func decodeJSON(data []byte, v any) bool {
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	return err == nil || errors.As(err, &typeErr)
}

// contentJSON returns the JSON held by a content attribute string. A string
// that holds a JSON string (double encoding, spec S.0.1) is unwrapped, up to
// two levels; what is left may be JSON or plain text.
func contentJSON(s string) string {
	data := strings.TrimSpace(s)
	for range 2 {
		if len(data) == 0 || data[0] != '"' {
			break
		}
		r := jsonReader[string]{data: data}
		lit, escaped := r.str()
		if !r.atEnd() {
			break
		}
		data = strings.TrimSpace(unquoteJSON(lit, escaped))
	}
	return data
}

// rawJSON makes JSON text safe to embed as a json.RawMessage: "null" and
// empty become nil, invalid UTF-8 (only possible inside strings of valid
// JSON) becomes U+FFFD.
func rawJSON(data []byte) json.RawMessage {
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return json.RawMessage(data)
}

// rawJSONText is rawJSON for JSON text held in a string.
func rawJSONText(s string) string {
	if s == "" || s == "null" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// jsonString returns s encoded as a JSON string. The buffer has room for
// the quotes and an escape in every 16 bytes, so text writes it in one
// pass instead of measuring it first; text with more escapes than that
// (code, say) grows it once. Message content lives as long as its record,
// so the room is kept small.
func jsonString(s string) json.RawMessage {
	return appendJSONString(make([]byte, 0, len(s)+len(s)/16+8), s)
}

// jsonTextString is jsonString for text that is JSON itself (a tool's
// result), whose quotes take an escape each: about one in five bytes.
func jsonTextString(s string) json.RawMessage {
	return appendJSONString(make([]byte, 0, len(s)+len(s)/4+8), s)
}

// textArena holds the JSON strings of many texts in one array, so that a
// prompt of many messages does not cost an allocation per message text.
type textArena []byte

// newTextArena returns an arena with room for texts bytes of text and some
// escapes.
func newTextArena(texts int) textArena { return make(textArena, 0, texts+texts/16+64) }

// jsonString is the package's jsonString, written into the arena. The
// result's capacity ends with it, so an append to it copies instead of
// overwriting the next text; when the arena is full, it grows into a new
// array and the texts written so far stay where they are.
func (a *textArena) jsonString(s string) json.RawMessage {
	start := len(*a)
	*a = appendJSONString(*a, s)
	return json.RawMessage((*a)[start:len(*a):len(*a)])
}

// valueJSON returns the JSON text of a structured attribute value.
func valueJSON(v pcommon.Value) json.RawMessage {
	return appendValueJSON(nil, v)
}

// appendValueJSON appends v as JSON: maps as objects, slices as arrays,
// bytes as base64 strings, non-finite doubles and empty values as null.
func appendValueJSON(b []byte, v pcommon.Value) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return appendJSONString(b, v.Str())
	case pcommon.ValueTypeInt:
		return strconv.AppendInt(b, v.Int(), 10)
	case pcommon.ValueTypeDouble:
		if f := v.Double(); finite(f) {
			return strconv.AppendFloat(b, f, 'g', -1, 64)
		}
	case pcommon.ValueTypeBool:
		return strconv.AppendBool(b, v.Bool())
	case pcommon.ValueTypeMap:
		b = append(b, '{')
		first := true
		for k, item := range v.Map().All() {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendValueJSON(b, item)
		}
		return append(b, '}')
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		b = append(b, '[')
		for i := 0; i < sl.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValueJSON(b, sl.At(i))
		}
		return append(b, ']')
	case pcommon.ValueTypeBytes:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes().AsRaw())
		return append(b, '"')
	}
	return append(b, "null"...)
}

// textValue returns an "any"-typed value as text: strings as they are,
// structured values as their JSON text.
func textValue(v pcommon.Value) anyText {
	if !present(v) {
		return ""
	}
	switch v.Type() {
	case pcommon.ValueTypeMap, pcommon.ValueTypeSlice, pcommon.ValueTypeBytes:
		return anyText(valueJSON(v))
	}
	return anyText(str(v))
}

// jsonObject decodes a JSON object held in a string (numbers kept exact),
// or returns nil.
func jsonObject(s string) map[string]any {
	data := contentJSON(s)
	if len(data) == 0 || data[0] != '{' {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

// jsonFloat reads a number decoded by jsonObject.
func jsonFloat(raw any) (float64, bool) {
	switch v := raw.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil && finite(f)
	case string:
		return floatValue(pcommon.NewValueStr(v))
	}
	return 0, false
}

// jsonStrings reads a string or a list of strings decoded by jsonObject;
// stop sequences may be whitespace, so nothing is trimmed.
func jsonStrings(raw any) []string {
	switch v := raw.(type) {
	case string:
		if v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, item := range v {
			if s, ok := item.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

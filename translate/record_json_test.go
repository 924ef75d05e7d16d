package translate

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// encodingJSON encodes rec as the exporter did before AppendJSON: with
// encoding/json, HTML characters not escaped, without Encode's newline.
func encodingJSON(rec *Record) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(rec)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// checkAppendJSON checks that AppendJSON writes what encoding/json writes,
// or, where encoding/json fails, valid JSON.
func checkAppendJSON(t *testing.T, rec *Record) {
	t.Helper()
	prefix := []byte("prefix:")
	got := rec.AppendJSON(append([]byte(nil), prefix...))
	require.True(t, bytes.HasPrefix(got, prefix), "AppendJSON appends")
	got = got[len(prefix):]

	want, err := encodingJSON(rec)
	if err != nil {
		require.True(t, json.Valid(got), "encoding/json failed (%v); AppendJSON must still write valid JSON: %s", err, got)
		return
	}
	require.Equal(t, string(want), string(got))
}

// goldenRecords are the records of every golden file: translated from the
// inputs as TestGolden does, and decoded from the golden files themselves
// (so custom attributes hold what encoding/json decodes: float64, []any,
// map[string]any, and json.Number with UseNumber).
func goldenRecords(t testing.TB) map[string][]Record {
	t.Helper()
	out := map[string][]Record{}
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	for _, input := range append(inputs, otelOfficial, openInference) {
		name := strings.TrimSuffix(filepath.Base(input), ".json")
		if strings.HasSuffix(input, ".golden.json") {
			data, err := os.ReadFile(input)
			require.NoError(t, err)
			var plain, numbers []Record
			require.NoError(t, json.Unmarshal(data, &plain))
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&numbers))
			out[name+"/decoded"] = plain
			out[name+"/decoded-numbers"] = numbers
			continue
		}
		out[name] = records(New(goldenOptions).Traces(loadTraces(t, input)))
		if embeddingsGoldens[name] {
			opts := goldenOptions
			opts.IncludeEmbeddings = true
			out[name+".embeddings"] = records(New(opts).Traces(loadTraces(t, input)))
		}
	}
	return out
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	n := 0
	for name, recs := range goldenRecords(t) {
		t.Run(name, func(t *testing.T) {
			for i := range recs {
				checkAppendJSON(t, &recs[i])
				n++
			}
		})
	}
	require.Greater(t, n, 100, "golden records not found")
}

func TestAppendJSONEdgeCases(t *testing.T) {
	invalid := "bad \xff\xfe utf-8 \xc3"
	weird := "ctl \x00\x01\b\f\n\r\t\x1f quote \" backslash \\ html <>& sep \u2028\u2029 " +
		"é 😀 \ufffd " + invalid
	one, zero := int64(1), int64(0)
	floats := []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e20, 1e21, 123456789e13, 1e-6, 1e-7,
		5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64, 2.5e-10, 1.0000000000000002}

	tests := map[string]Record{
		"zero":  {},
		"empty": {Prompt: []Message{}, Tags: []string{}, Tools: []Tool{}, ToolCalls: []ToolCall{}, CustomAttributes: Attributes{}},
		"strings everywhere": {
			LanguageModelID: weird, Response: weird, UserQuery: weird, Context: weird, Error: weird,
			PromptSlug: weird, Environment: weird, CustomerID: weird, CustomerUserID: weird,
			SessionID: weird, ExternalReferenceID: weird, Tags: []string{weird, ""},
			Prompt: []Message{{Role: weird, Content: jsonString(weird), Name: weird, ToolCallID: weird,
				ToolCalls: []ToolCall{{ID: weird, Type: weird, Function: FunctionCall{Name: weird, Arguments: weird}}}}},
			ToolCalls:        []ToolCall{{Type: "function"}},
			Tools:            []Tool{{Type: weird, Function: FunctionSpec{Name: weird, Description: weird}}},
			CustomAttributes: AttributesOf(map[string]any{weird: weird, invalid: 1, "\xff": 2, "é": 3, "E": 4, "": 5}),
		},
		"numbers": {
			ResponseTime: -5, StatusCode: 429, PromptTokens: &zero, CompletionTokens: &one, TotalTokens: &one,
			Cost:         &floats[4],
			ModelOptions: &ModelOptions{Temperature: &floats[1], TopP: &floats[9], MaxCompletionTokens: &zero},
			CustomAttributes: AttributesOf(map[string]any{
				"floats": func() []any {
					var out []any
					for _, f := range floats {
						out = append(out, f, -f, float32(f))
					}
					return out
				}(),
				"ints":    []any{int64(math.MinInt64), int64(math.MaxInt64), 0, int32(7), uint8(8), uint64(math.MaxUint64)},
				"numbers": []any{json.Number("1"), json.Number("-0.5e+10"), json.Number("")},
			}),
		},
		"raw content": {Prompt: []Message{
			{Role: "user", Content: nil},
			{Role: "user", Content: json.RawMessage(` [ {"type" : "text", "text":" spaced  text "} ,` + "\n\t" + `{"a": [1, 2.5e3, true, false, null]} ] `)},
			{Role: "user", Content: json.RawMessage(`"\u00e9\ud83d\ude00 \/ \" \\"`)},
			{Role: "user", Content: json.RawMessage("\"\xff\xfe\"")},
			{Role: "user", Content: json.RawMessage(`null`)},
			{Role: "user", Content: json.RawMessage(`{}`)},
		}},
		"empty options": {ModelOptions: &ModelOptions{}},
		"options": {ModelOptions: &ModelOptions{Stop: []string{"\n", "</s>"}, ExtraOptions: AttributesOf(map[string]any{
			"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "f"}},
			"b":           true, "nil": nil, "bytes": []byte("\x00\xffhi"), "no bytes": []byte(nil), "list": []string(nil),
			"any": []any(nil), "map": map[string]any(nil), "raw": json.RawMessage(` {"k" : 1} `),
			"struct": struct {
				A string `json:"a"`
			}{"<&>"},
		})}},
		"tool parameters": {Tools: []Tool{
			{Type: "function", Function: FunctionSpec{Name: "f", Parameters: json.RawMessage(`{ "type": "object" }`)}},
			{Type: "function", Function: FunctionSpec{Name: "g", Parameters: json.RawMessage{}}},
		}},
		"deep custom attributes": {CustomAttributes: AttributesOf(map[string]any{
			"a": map[string]any{"z": []any{map[string]any{"y": "x", "b": nil}}, "c": "\u2028"}})},
		// encoding/json fails on these; AppendJSON still writes valid JSON.
		"NaN":             {Cost: new(math.NaN()), CustomAttributes: AttributesOf(map[string]any{"inf": math.Inf(-1), "f32": float32(math.Inf(1))})},
		"invalid raw":     {Prompt: []Message{{Role: "user", Content: json.RawMessage(`{"unclosed": `)}, {Content: json.RawMessage{}}}},
		"invalid number":  {CustomAttributes: AttributesOf(map[string]any{"n": json.Number("1e"), "m": json.Number(" 1"), "o": json.Number("0x10")})},
		"unencodable any": {CustomAttributes: AttributesOf(map[string]any{"ch": make(chan int)})},
	}
	for name, rec := range tests {
		t.Run(name, func(t *testing.T) { checkAppendJSON(t, &rec) })
	}
}

// FuzzAppendJSON compares AppendJSON with encoding/json on records decoded
// from the golden files and mutated by the fuzzer, with a fuzzed string
// and number put where the readers put text and numbers, and the fuzzed
// text as raw message content.
func FuzzAppendJSON(f *testing.F) {
	for _, recs := range goldenRecords(f) {
		for i := range recs {
			data, err := json.Marshal(&recs[i])
			require.NoError(f, err)
			f.Add(data, "text", 0.5)
		}
	}
	f.Add([]byte(`{"prompt":[{"role":"user","content":"x"}]}`), "\xff\u2028<\x00", math.Inf(1))
	f.Fuzz(func(t *testing.T, data []byte, text string, number float64) {
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		_ = dec.Decode(&rec) // a record from whatever part of data decodes

		rec.Response = text
		rec.Prompt = append(rec.Prompt,
			Message{Role: text, Content: jsonString(text), Name: text},
			Message{Role: "user", Content: json.RawMessage(text)})
		rec.Tags = append(rec.Tags, text)
		rec.Cost = &number
		rec.CustomAttributes.Set(text, []any{text, number, json.Number(text), json.RawMessage(text)})
		checkAppendJSON(t, &rec)
	})
}

// TestBuiltContentIsTrustedOnlyAsBuilt: content this package wrote is
// copied as it is; content replaced or cut since is validated again, so a
// record body stays valid JSON whatever was done to the message.
func TestBuiltContentIsTrustedOnlyAsBuilt(t *testing.T) {
	built := Message{Role: "user"}.withBuilt(jsonString("say \"hi\"\n"))
	rec := Record{Prompt: []Message{built}}
	require.True(t, rec.Prompt[0].built.is(rec.Prompt[0].Content))
	checkAppendJSON(t, &rec)

	rec.Prompt[0].Content = json.RawMessage(`{"unclosed": `)
	require.False(t, rec.Prompt[0].built.is(rec.Prompt[0].Content))
	require.True(t, json.Valid(rec.AppendJSON(nil)), "replaced content is validated")

	rec.Prompt[0] = built
	rec.Prompt[0].Content = rec.Prompt[0].Content[:4] // `"say`: no closing quote
	require.False(t, rec.Prompt[0].built.is(rec.Prompt[0].Content))
	require.True(t, json.Valid(rec.AppendJSON(nil)), "cut content is validated")
}

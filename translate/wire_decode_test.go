package translate

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// checkDecoder decodes data with the purpose-built decoder, from a string
// and from bytes, and with json.Unmarshal into the same type: both must
// accept the same texts and decode them to the same value.
func checkDecoder[E any](t *testing.T, data []byte, read func(*jsonReader[string], *E), readBytes func(*jsonReader[[]byte], *E)) {
	t.Helper()
	var want E
	err := json.Unmarshal(data, &want)
	var typeErr *json.UnmarshalTypeError
	wantOK := err == nil || errors.As(err, &typeErr)

	var fromString, fromBytes E
	require.Equal(t, wantOK, decodeWire(string(data), &fromString, read), "accepts %q like json.Unmarshal (%v)", data, err)
	require.Equal(t, wantOK, decodeWire(data, &fromBytes, readBytes), "accepts %q like json.Unmarshal (%v)", data, err)
	if !wantOK {
		return
	}
	// json.Unmarshal knows nothing of the literals readTextLit keeps beside
	// a text (part.contentLit, vercelPart.textLit), nor of the text it
	// leaves to be decoded from them: settleLiterals checks each literal
	// against its text and then compares the text alone.
	settleLiterals(t, &fromString)
	settleLiterals(t, &fromBytes)
	require.Equal(t, want, fromString, "decodes %q like json.Unmarshal", data)
	require.Equal(t, want, fromBytes, "decodes %q like json.Unmarshal", data)
}

// vercelMessage is what readVercelMessage reads, as json.Unmarshal reads it.
type vercelMessage struct {
	Role    anyText         `json:"role"`
	Content json.RawMessage `json:"content"`
}

// checkVercelMessages checks readVercelMessage on a message list.
func checkVercelMessages(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		return // vercelPrompt reads lists only
	}
	var want []vercelMessage
	err := json.Unmarshal(data, &want)
	var typeErr *json.UnmarshalTypeError
	wantOK := err == nil || errors.As(err, &typeErr)

	r := jsonReader[string]{data: string(data)}
	var got []vercelMessage
	var parts []vercelPart
	for more := r.enterArray(); more; more = r.nextElement() {
		role, content, listed := readVercelMessage(&r, &parts)
		if listed && !r.bad {
			var again []vercelPart
			require.True(t, decodeWire(content, &again, readVercelParts[string]))
			require.Equal(t, again, parts, "parts of %q decoded on the way as from their text", content)
		}
		m := vercelMessage{Role: role}
		if content != "" {
			m.Content = json.RawMessage(content)
		}
		got = append(got, m)
	}
	require.Equal(t, wantOK, r.atEnd(), "accepts %q like json.Unmarshal (%v)", data, err)
	if wantOK {
		require.Equal(t, len(want), len(got), "decodes %q like json.Unmarshal", data)
		for i := range want {
			require.Equal(t, want[i], got[i], "decodes %q like json.Unmarshal", data)
		}
	}
}

// checkJSONText checks every decoder, and the reader's validation,
// unquoting and compaction, on data.
func checkJSONText(t *testing.T, data []byte) {
	t.Helper()
	checkDecoder(t, data, readWireMessages, readWireMessages)
	checkDecoder(t, data, readWireMessage, readWireMessage)
	checkDecoder(t, data, readParts, readParts)
	checkDecoder(t, data, readWireToolCalls, readWireToolCalls)
	checkDecoder(t, data, readWireTools, readWireTools)
	checkDecoder(t, data, readWireTool, readWireTool)
	checkVercelMessages(t, data)
	checkDecoder(t, data, readVercelParts, readVercelParts)
	checkDecoder(t, data, readTextParts, readTextParts)
	checkDecoder(t, data, readVercelChoice, readVercelChoice)
	checkMessageLists(t, string(data))
	checkSystemText(t, string(data))

	valid := json.Valid(data)
	require.Equal(t, valid, validJSON(data), "validates %q like json.Valid", data)
	require.Equal(t, valid, validJSON(string(data)), "validates %q like json.Valid", data)
	if valid {
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, data))
		require.Equal(t, compact.String(), string(appendRawJSON(nil, data)), "compacts %q like json.Compact", data)
	}

	want := jsonObject(string(data))
	params, tools, ok := invocationParams(string(data))
	require.Equal(t, want != nil, ok, "reads %q like jsonObject", data)
	if ok {
		delete(want, "messages")
		if tools != "" {
			params["tools"], _ = decodeAny(tools)
		}
		require.Equal(t, want, params, "reads %q like jsonObject", data)
	}

	var text string
	if trimmed := bytes.TrimSpace(data); bytes.HasPrefix(trimmed, []byte(`"`)) && json.Unmarshal(data, &text) == nil {
		got, err := unquote(trimmed)
		require.NoError(t, err)
		require.Equal(t, text, got, "unquotes %q like json.Unmarshal", data)
	}
}

// TestWireDecodersMatchUnmarshal runs checkJSONText on every JSON text of
// the translate inputs and on the corners of json.Unmarshal's behaviour.
func TestWireDecodersMatchUnmarshal(t *testing.T) {
	for _, data := range wireSeeds(t) {
		checkJSONText(t, data)
	}
}

// FuzzWireDecoders holds the purpose-built decoders to json.Unmarshal on
// fuzzed JSON text. Texts over maxWireFuzz bytes (the deepest nestings
// among them) are left to TestWireDecodersMatchUnmarshal: an execution
// must stay short, or the fuzzer's deadline catches one in flight.
func FuzzWireDecoders(f *testing.F) {
	for _, data := range wireSeeds(f) {
		if len(data) <= maxWireFuzz {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) <= maxWireFuzz {
			checkJSONText(t, data)
		}
	})
}

const maxWireFuzz = 4 << 10

// checkSystemText holds systemText, which reads a JSON part list into
// reused scratch, to the parts decodeWire reads.
func checkSystemText(t *testing.T, s string) {
	t.Helper()
	v := pcommon.NewValueStr(s)
	text, lit := systemText(v)
	data := contentJSON(s)
	var parts []part
	if len(data) == 0 || data[0] != '[' || !decodeWire(data, &parts, readParts) {
		require.Equal(t, data, text, "system text of %q", s)
		require.Empty(t, lit, "system literal of %q", s)
		return
	}
	require.Equal(t, joinText(parts), text, "system text of %q", s)
	wantLit := ""
	if only := onlyText(parts); only != nil && text != "" {
		wantLit = only.contentLit
	}
	require.Equal(t, wantLit, lit, "system literal of %q", s)
}

// checkMessageLists holds promptOfList and outputOfList, which read a JSON
// message list one message at a time into reused scratch, to what the
// list decodeMessages returns gives: the prompt promptOf makes of it, the
// first message's response and tool calls, every message's finish reason.
func checkMessageLists(t *testing.T, s string) {
	t.Helper()
	data := contentJSON(s)
	if data == "" || data[0] != '[' {
		return
	}
	msgs, text := decodeMessages(s)
	decoded := text == ""
	if !decoded {
		require.Nil(t, msgs)
	}

	prompt, ok := promptOfList(data)
	require.Equal(t, decoded, ok, "reads %q as decodeMessages does", s)
	if ok {
		want := promptOf(msgs, "")
		require.Equal(t, want == nil, prompt == nil, "prompt of %q", s)
		require.Equal(t, string((&Record{Prompt: want}).AppendJSON(nil)),
			string((&Record{Prompt: prompt}).AppendJSON(nil)), "prompt of %q", s)
	}

	out, ok := outputOfList(data, true)
	require.Equal(t, decoded, ok, "reads %q as decodeMessages does", s)
	if !ok {
		require.Equal(t, output{}, out)
		return
	}
	var want output
	var reasons []string
	for i := range msgs {
		if r := msgs[i].choice().FinishReason; r != "" {
			reasons = append(reasons, string(r))
		}
	}
	if len(msgs) > 0 {
		want.message = true
		want.response, want.calls = responseOf(&msgs[0])
	}
	require.Equal(t, want.message, out.message, "output of %q", s)
	require.Equal(t, want.response, out.response, "response of %q", s)
	require.Equal(t, want.calls, out.calls, "tool calls of %q", s)
	got := out.more
	if got == nil && out.first != "" {
		got = []string{out.first}
	}
	require.Equal(t, reasons, got, "finish reasons of %q", s)
}

// wireSeeds are the JSON texts found in the attributes and events of the
// translate inputs, and texts at the corners of json.Unmarshal's behaviour.
func wireSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var seeds [][]byte
	var collect func(v pcommon.Value)
	collect = func(v pcommon.Value) {
		switch v.Type() {
		case pcommon.ValueTypeStr:
			if s := strings.TrimSpace(v.Str()); s != "" && strings.ContainsAny(s[:1], `[{"`) {
				seeds = append(seeds, []byte(v.Str()))
			}
		case pcommon.ValueTypeSlice:
			for i := 0; i < v.Slice().Len(); i++ {
				collect(v.Slice().At(i))
			}
		case pcommon.ValueTypeMap:
			for _, item := range v.Map().All() {
				collect(item)
			}
		}
	}
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(tb, err)
	for _, input := range append(inputs, otelOfficial, openInference) {
		if strings.HasSuffix(input, ".golden.json") {
			continue
		}
		td := loadTraces(tb, input)
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					collect(attrsValue(span.Attributes()))
					for _, ev := range span.Events().All() {
						collect(attrsValue(ev.Attributes()))
					}
				}
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(goldenDir, "genai-structured.golden.json"))
	require.NoError(tb, err)
	seeds = append(seeds, data)
	for _, s := range wireCorners {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func attrsValue(m pcommon.Map) pcommon.Value {
	v := pcommon.NewValueMap()
	m.CopyTo(v.Map())
	return v
}

// wireCorners are texts where json.Unmarshal behaves in ways a decoder
// could easily get wrong.
var wireCorners = []string{
	// output lists: several choices and finish reasons, a wrapped choice, an element that is no message
	`[{"role":"assistant","parts":[{"type":"text","content":"a"}],"finish_reason":"stop"},{"role":"assistant","finish_reason":"length"},` +
		`{"index":2,"message":{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f"}}]},"finish_reason":"tool_call"},"x",{"finish_reason":""}]`,
	// keys: case folding (ſ folds to s, K to k), escapes, repeats, unknown
	`[{"ROLE":"user","Parts":[{"TYPE":"text","Content":"hi"}],"ro\u006ce":"x"}]`,
	`[{"role":"a","role":"b","partſ":[{"type":"text"}],"TOOL_CALLS":[{"function":{"NAME":"f"}}]}]`,
	`[{"toolcallid":"x","toolCallID":"y","mimeType":"m","MIME_TYPE":"n"}]`,
	`{"role":"user","unknown":{"deep":[1,{"x":null}]},"content":"c"}`,
	`{"type":"tool","TOOLNAME":"f","toolName":{"n":1},"type":null}`,
	`[{"type":"tool-result","result":"r","output":null},{"output":"x","result":"r"},{"output":7}]`,
	`[{"output":{"type":"json","value":{"a":[1,"b"]}},"output":{"type":"text"}},{"output":{"value":1},"output":null}]`,
	`[{"OUTPUT":{"Value":" x ","TYPE":"error-text","other":[]}},{"output":[{"type":"text"}]}]`,
	"[{\"\xff\":1,\"r\xc3\":2,\"role\\u0000\":3}]",
	// wrong types, null, repeated slices decoded into the capacity they leave
	`[{"role":7,"name":true,"parts":"nope","content":{"a":1},"tool_calls":{}},null,3,"s",[]]`,
	`[{"parts":null,"message":null,"tool_calls":null}]`,
	`[{"message":"str"},{"message":[1]},{"message":{"role":"r","message":{"content":"deep"}}}]`,
	`[{"parts":[{"type":"a","content":"x"},{"type":"b","id":"i"}],"parts":[{"name":"n"}],"parts":[{},{}]}]`,
	`[{"parts":[1,null,{"type":"t"},"s",[],true]}]`,
	`{"message":{"role":"a"},"message":{"name":"b"}}`,
	`[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"parameters":null}]`,
	`[{"name":"f","function":"x","inputSchema":[1, 2 ]}]`,
	`[{"role":"user","content":[{"type":"tool-result","output":{"type":"json","value":{ "a" : 1 }}},{"output":null},{"output":7}]}]`,
	`[{"type":"text","text":null,"content":12.5e-3},{"text":{"k":"v"}}]`,
	// invocation parameters: only the first value counts, repeated keys
	`{"model":"m","tools":[{"type":"function"}],"messages":[1],"seed":1,"seed":2.50,"stop":["a",""],"n":null,"s":true} trailing`,
	`{"tools":null,"temperature":"0.2","nested":{"b":[1,{"a":"\u00e9"}]}}`,
	`[]`, `{}`, `null`, `"str"`, `0`, `-0.0e+0`, `true`,
	// strings: escapes, surrogates, invalid UTF-8, control characters
	`"\u00e9\ud83d\ude00 \ud83d \ude00 \ud83d\u0041 \/ \b\f\n\r\t \u2028"`,
	"\"\xff\xfe\xed\xa0\x80 ok\"",
	"[{\"role\":\"\xc3\",\"content\":\"\xe2\x80\xa8\"}]",
	`"\ud800\udc00\udbff\udfff"`,
	// malformed: json.Unmarshal rejects each
	`[{"role":"user",}]`, `[{"role" "user"}]`, `[1,]`, `[01]`, `[1.]`, `[.5]`, `[1e]`, `[-]`, `[+1]`,
	`[tru]`, `[nul]`, `["\x"]`, `["\u12"]`, `["\u12g4"]`, "[\"\x01\"]", `[{"a":1}]x`, `[{"a":1}] [2]`,
	`{"a":1`, `{"a"}`, `{1:2}`, `[`, ``, ` `, `"unterminated`, `'single'`, "\ufeff[]",
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"message":`, 5000) + `{}` + strings.Repeat("}", 5000),
	" \t\n\r[ \t\n\r{ \"role\" : \"user\" } \t\n\r] \t\n\r",
}

// TestWireFieldNames checks that each decoder reads exactly the fields its
// struct's json tags name, in order, so a field added to a struct is not
// silently skipped.
func TestWireFieldNames(t *testing.T) {
	for typ, names := range map[reflect.Type][]string{
		reflect.TypeFor[wireMessage]():                wireMessageFields,
		reflect.TypeFor[part]():                       partFields,
		reflect.TypeFor[wireToolCall]():               wireToolCallFields,
		reflect.TypeFor[wireTool]():                   wireToolFields,
		reflect.TypeFor[vercelMessage]():              vercelMessageFields,
		reflect.TypeFor[vercelPart]():                 vercelPartFields,
		reflect.TypeFor[vercelOutput]():               vercelOutputFields,
		reflect.TypeFor[textPart]():                   textPartFields,
		reflect.TypeFor[wireToolCall]().Field(2).Type: functionFields,
	} {
		var tags []string
		for f := range typ.Fields() {
			if !f.IsExported() {
				continue // no JSON field: a literal kept beside one (readTextLit)
			}
			tags = append(tags, strings.Split(f.Tag.Get("json"), ",")[0])
		}
		require.Equal(t, tags, names, typ.String())
	}
}

package translate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// translateDeadline is far more than any input of the fuzzer's size needs.
const translateDeadline = 2 * time.Second

// fuzzLimit is the max_field_bytes of the fuzz runs: small, so that most
// inputs with content are cut and the truncation path is fuzzed too.
const fuzzLimit = 64

// FuzzTraces translates arbitrary OTLP/JSON traces, starting from every
// translate input (fuzzInputs) and the committed corpus in
// testdata/fuzz/FuzzTraces (the inputs when it was written, and any input
// that once failed).
func FuzzTraces(f *testing.F) {
	for _, data := range fuzzInputs(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		td, ok := unmarshalTraces(data)
		if !ok {
			return
		}
		checkTranslation(t, td)
	})
}

// FuzzSpanAttributes puts one hostile value on an LLM span: under an
// attribute key (a GenAI key, an indexed key with the fuzzed index, or the
// fuzzed key itself) or in a content event's body, as a string, bytes, a
// number, a bool, a list or a map decoded from the value, or nested deep.
// grow repeats the value so that long content meets the truncation.
func FuzzSpanAttributes(f *testing.F) {
	for _, seed := range spanAttributeSeeds {
		f.Add(seed.key, seed.value, targetIndex(seed.target), seed.how, seed.index, seed.grow)
	}
	f.Fuzz(func(t *testing.T, key, value string, where, how uint8, index uint32, grow uint16) {
		if grow > 1 {
			value = strings.Repeat(value, min(int(grow), maxFuzzBytes/max(len(value), 1)))
		}
		td := ptrace.NewTraces()
		span := fuzzSpan(td)
		placeValue(span, attributeTarget(key, where, index), value, how, index)
		checkTranslation(t, td)
	})
}

// maxFuzzBytes caps a grown value, so one execution stays fast; the 10 MB
// case is TestHugeContentIsTruncated.
const maxFuzzBytes = 256 << 10

// fuzzTargets are where FuzzSpanAttributes puts its value; %d is the fuzzed
// index. The indexed keys are OpenLLMetry's (gen_ai.prompt.N.*) and
// OpenInference's (llm.*_messages.N.*): a reader that sizes a slice by the
// largest index must not allocate for index 4294967295.
var fuzzTargets = []string{
	"", // the fuzzed key itself
	"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
	"gen_ai.tool.definitions", "gen_ai.prompt", "gen_ai.completion",
	"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.request.temperature",
	"gen_ai.request.stop_sequences", "gen_ai.response.finish_reasons", "gen_ai.operation.name",
	"gen_ai.request.model", "http.response.status_code", "error.type", "session.id",
	"gen_ai.prompt.%d.content", "gen_ai.prompt.%d.role", "gen_ai.completion.%d.content",
	"gen_ai.completion.%d.tool_calls.%d.arguments", "gen_ai.prompt.%d.tool_calls.%d.name",
	"llm.input_messages.%d.message.content", "llm.input_messages.%d.message.role",
	"llm.output_messages.%d.message.content",
	"llm.input_messages.%d.message.tool_calls.%d.tool_call.function.arguments",
	"llm.input_messages.%d.message.contents.%d.message_content.text",
	"llm.tools.%d.tool.json_schema", "llm.invocation_parameters", "input.value", "output.value",
	// Content events, the shape log-event bodies take once joined onto a
	// span: event name, then the body field.
	"event:gen_ai.content.prompt:gen_ai.prompt", "event:gen_ai.content.completion:gen_ai.completion",
	"event:gen_ai.user.message:content", "event:gen_ai.system.message:content",
	"event:gen_ai.assistant.message:tool_calls", "event:gen_ai.tool.message:content",
	"event:gen_ai.choice:message", "event:gen_ai.choice:index",
	"event:gen_ai.client.inference.operation.details:gen_ai.input.messages",
	"event:exception:exception.message",
}

func attributeTarget(key string, where uint8, index uint32) string {
	target := fuzzTargets[int(where)%len(fuzzTargets)]
	if target == "" {
		return key
	}
	n := strings.Count(target, "%d")
	args := make([]any, n)
	for i := range args {
		args[i] = index >> (8 * i) // a second index differs from the first
	}
	return fmt.Sprintf(target, args...)
}

// placeValue sets value at target in the form how selects.
func placeValue(span ptrace.Span, target, value string, how uint8, index uint32) {
	attrs := span.Attributes()
	if rest, ok := strings.CutPrefix(target, "event:"); ok {
		name, field, _ := strings.Cut(rest, ":")
		ev := span.Events().AppendEmpty()
		ev.SetName(name)
		ev.SetTimestamp(span.StartTimestamp() + pcommon.Timestamp(index%1000))
		attrs, target = ev.Attributes(), field
	}
	if target == "" {
		target = "empty.key"
	}
	dst := attrs.PutEmpty(target)
	switch how % 8 {
	case 0:
		dst.SetStr(value)
	case 1:
		dst.SetEmptyBytes().FromRaw([]byte(value))
	case 2:
		n, _ := strconv.ParseInt(value, 10, 64)
		dst.SetInt(n + int64(index))
	case 3:
		f, _ := strconv.ParseFloat(value, 64) // may be NaN or ±Inf
		dst.SetDouble(f)
	case 4:
		dst.SetBool(len(value)%2 == 0)
	case 5:
		sl := dst.SetEmptySlice()
		for _, part := range strings.Split(value, ",") {
			sl.AppendEmpty().SetStr(part)
		}
	case 6:
		var raw any
		if json.Unmarshal([]byte(value), &raw) != nil {
			dst.SetStr(value)
			return
		}
		_ = dst.FromRaw(raw) // a JSON number or object: whatever FromRaw makes of it
	case 7:
		nest(dst, value, int(index%200))
	}
}

// nest builds a structure depth levels deep, alternating maps and lists,
// around value: what a recursive reader must survive.
func nest(dst pcommon.Value, value string, depth int) {
	for i := range depth {
		if i%2 == 0 {
			m := dst.SetEmptyMap()
			m.PutStr("role", "user")
			dst = m.PutEmpty("content")
		} else {
			dst = dst.SetEmptySlice().AppendEmpty()
		}
	}
	dst.SetStr(value)
}

// fuzzSpan appends a minimal chat span to td.
func fuzzSpan(td ptrace.Traces) ptrace.Span {
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetName("chat fuzz")
	span.SetTraceID(pcommon.TraceID{1, 2, 3})
	span.SetSpanID(pcommon.SpanID{4, 5, 6})
	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Second)))
	span.Attributes().PutStr("gen_ai.operation.name", "chat")
	span.Attributes().PutStr("gen_ai.request.model", "gpt-4o")
	return span
}

// checkTranslation translates td with and without a field limit and checks
// what the exporter relies on: every record encodes as the exporter encodes
// it, the stand-in's checks accept the body, and every field longer than
// the limit was cut to it and listed in custom_attributes.truncated_fields.
func checkTranslation(t *testing.T, td ptrace.Traces) {
	t.Helper()
	var full, cut, every Result
	translated := make(chan struct{})
	go func() {
		defer close(translated)
		full = New(Options{}).Traces(td)
		cut = New(Options{MaxFieldBytes: fuzzLimit}).Traces(td)
		all := New(Options{})
		all.allReaders = true
		every = all.Traces(td)
	}()
	// The fuzzer reports no hangs on its own; a span that takes seconds
	// would stall a collector's pipeline.
	select {
	case <-translated:
	case <-time.After(translateDeadline):
		t.Fatalf("translating took over %s", translateDeadline)
	}
	require.Len(t, cut.Items, len(full.Items), "the limit changes no span's class")
	require.Equal(t, every, full, "skipping the readers without keys changes no record")

	for i := range cut.Items {
		whole, rec := &full.Items[i].Record, &cut.Items[i].Record
		for _, r := range []*Record{whole, rec} {
			body := encode(t, r)
			require.NoError(t, standin.Validate(body), "record %d: %.300s", i, body)
		}
		checkTruncated(t, whole, rec)
	}
}

// encode encodes rec as the exporter's sendOne does, and checks that it is
// what encoding/json writes.
func encode(t *testing.T, rec *Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(rec), "a record must always encode")
	body := append(rec.AppendJSON(nil), '\n')
	require.Equal(t, buf.String(), string(body), "AppendJSON writes what encoding/json writes")
	return body
}

func checkTruncated(t *testing.T, whole, rec *Record) {
	t.Helper()
	listed, _ := rec.CustomAttributes.Map()[truncatedFieldsKey].([]string)
	for _, f := range []struct {
		name       string
		whole, cut string
	}{
		{"response", whole.Response, rec.Response},
		{"context", whole.Context, rec.Context},
	} {
		require.LessOrEqual(t, len(f.cut), fuzzLimit, f.name)
		require.True(t, strings.HasPrefix(f.whole, f.cut), "%s is cut, not changed", f.name)
		require.Equal(t, len(f.whole) > fuzzLimit, slices.Contains(listed, f.name),
			"%s (%d bytes) listed in truncated_fields %v", f.name, len(f.whole), listed)
	}

	long := false
	for i, m := range whole.Prompt {
		if s, ok := stringContent(m.Content); ok && len(s) > fuzzLimit {
			long = true
		}
		if s, ok := stringContent(rec.Prompt[i].Content); ok {
			require.LessOrEqual(t, len(s), fuzzLimit, "prompt message %d", i)
		}
	}
	if long {
		require.Contains(t, listed, "prompt", "a long prompt message is listed in truncated_fields")
	}
}

// stringContent decodes message content that is a JSON string.
func stringContent(c json.RawMessage) (string, bool) {
	var s string
	if len(c) == 0 || c[0] != '"' || json.Unmarshal(c, &s) != nil {
		return "", false
	}
	return s, true
}

// unmarshalTraces decodes OTLP/JSON. pdata's decoder is not under test: the
// exporter gets spans the receiver decoded, so a panic there is skipped.
func unmarshalTraces(data []byte) (td ptrace.Traces, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(data)
	return td, err == nil
}

// TestHugeContentIsTruncated sends 10 MB through each content attribute
// with the default limit: the record stays under the API's body limit, and
// the cut fields are listed.
func TestHugeContentIsTruncated(t *testing.T) {
	const limit = 256 << 10
	huge := strings.Repeat("é", 5<<20) // 10 MB, two bytes a rune: a cut must land on a boundary
	td := ptrace.NewTraces()
	span := fuzzSpan(td)
	span.Attributes().PutStr("gen_ai.input.messages",
		`[{"role":"user","parts":[{"type":"text","content":"`+huge+`"}]}]`)
	span.Attributes().PutStr("gen_ai.output.messages",
		`[{"role":"assistant","parts":[{"type":"text","content":"`+huge+`"}]}]`)

	res := New(Options{MaxFieldBytes: limit}).Traces(td)

	require.Len(t, res.Items, 1)
	rec := res.Items[0].Record
	assert.Equal(t, []string{"prompt", "response"}, rec.CustomAttributes.Map()[truncatedFieldsKey])
	assert.Equal(t, 2, res.Truncated)
	assert.LessOrEqual(t, len(rec.Response), limit)
	assert.True(t, utf8.ValidString(rec.Response))
	body := encode(t, &rec)
	assert.Less(t, len(body), 1<<20)
	require.NoError(t, standin.Validate(body))
}

// TestHostileShapesStayBounded covers inputs too big for the fuzzer's
// budget: deeply nested JSON in a message attribute, invalid UTF-8 and huge
// indices in indexed attributes. Each must translate quickly, without
// allocating in proportion to an index, into records the API accepts.
func TestHostileShapesStayBounded(t *testing.T) {
	deep := strings.Repeat(`[{"role":"user","parts":`, 100_000) + `"x"` + strings.Repeat(`}]`, 100_000)
	tests := map[string]func(attrs pcommon.Map){
		"nested JSON 100k deep": func(a pcommon.Map) { a.PutStr("gen_ai.input.messages", deep) },
		"invalid UTF-8": func(a pcommon.Map) {
			a.PutStr("gen_ai.input.messages",
				"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"\xff\xfe\xc3\"}]}]")
			a.PutStr("gen_ai.output.messages", "\xed\xa0\x80 not json")
			a.PutStr("gen_ai.response.model", "gpt\xc0")
			a.PutStr("session.id", "\xff")
		},
		"huge indices": func(a pcommon.Map) {
			a.PutStr("gen_ai.prompt.4294967295.content", "last")
			a.PutStr("gen_ai.prompt.4294967295.role", "user")
			a.PutStr("gen_ai.completion.2147483647.content", "answer")
			a.PutStr("llm.input_messages.999999999.message.content", "hi")
			a.PutStr("llm.input_messages.999999999.message.role", "user")
			a.PutStr("llm.output_messages.-1.message.content", "negative")
			a.PutStr("llm.input_messages.1e9.message.content", "not an index")
		},
		"gaps in indices": func(a pcommon.Map) {
			a.PutStr("gen_ai.prompt.0.content", "first")
			a.PutStr("gen_ai.prompt.7.content", "eighth")
			a.PutInt("gen_ai.prompt.3.role", 3)
			a.PutStr("llm.input_messages.5.message.content", "sixth")
		},
	}
	for name, set := range tests {
		t.Run(name, func(t *testing.T) {
			td := ptrace.NewTraces()
			set(fuzzSpan(td).Attributes())

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			checkTranslation(t, td)
			runtime.ReadMemStats(&after)

			assert.Less(t, time.Since(start), 5*time.Second)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20),
				"allocation must not grow with an index or the nesting")
		})
	}
}

// fuzzInputs are the translate inputs FuzzTraces starts from: every input
// in ../testdata/translate and the captured traces.
func fuzzInputs(tb testing.TB) map[string][]byte {
	tb.Helper()
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(tb, err)
	captured, err := filepath.Glob("../testdata/captured/*.json")
	require.NoError(tb, err)

	out := map[string][]byte{}
	for _, input := range append(inputs, captured...) {
		if strings.HasSuffix(input, ".golden.json") || strings.HasSuffix(input, ".logs.json") {
			continue
		}
		data, err := os.ReadFile(input)
		require.NoError(tb, err)
		out[strings.TrimSuffix(filepath.Base(input), ".json")] = data
	}
	return out
}

// TestWriteFuzzSeeds writes the inputs as the committed seed corpus of
// FuzzTraces (testdata/fuzz/FuzzTraces) when run with -update. FuzzTraces
// also adds the current inputs itself, so a new input needs no new seed.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz/FuzzTraces")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzTraces")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, data := range fuzzInputs(t) {
		seed := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(seed), 0o644))
	}
}

// spanAttributeSeeds start FuzzSpanAttributes at the hostile shapes the
// issue names; the fuzzer mutates from there. target is an entry of
// fuzzTargets.
var spanAttributeSeeds = []struct {
	target, key, value string
	how                uint8
	index              uint32
	grow               uint16
}{
	{"gen_ai.input.messages", "", `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, 0, 0, 0},
	{"gen_ai.input.messages", "", `[{"role":"user","parts":[{"type":"text","content":"cut off`, 0, 0, 0},
	{"gen_ai.output.messages", "", `[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":{"a":[1,{"b":null}]}}]}]`, 6, 0, 0},
	{"gen_ai.output.messages", "", `{"not":"a list"}`, 6, 0, 0},
	{"gen_ai.input.messages", "", `[{"role":7,"parts":"nope"},null,3,"s",[]]`, 6, 0, 0},
	{"gen_ai.tool.definitions", "", `[{"name":"f","parameters":{"type":"object"}}]`, 0, 0, 0},
	{"gen_ai.input.messages", "", "\xff\xfe invalid \xc3", 0, 0, 0},
	{"gen_ai.prompt.%d.content", "", "\xff\xfe invalid \xc3", 0, 0, 0},
	{"gen_ai.output.messages", "", "héllo wörld ", 0, 0, 500},
	{"gen_ai.input.messages", "", "deep", 7, 150, 0},
	{"gen_ai.usage.input_tokens", "", "12", 2, 0, 0},
	{"gen_ai.request.temperature", "", "NaN", 3, 0, 0},
	{"gen_ai.request.stop_sequences", "", "stop,length,,", 5, 0, 0},
	{"gen_ai.prompt.%d.content", "", "first", 0, 0, 0},
	{"gen_ai.prompt.%d.content", "", "last", 0, 4294967295, 0},
	{"gen_ai.prompt.%d.role", "", "user", 0, 2147483647, 0},
	{"gen_ai.completion.%d.tool_calls.%d.arguments", "", `{"a":1}`, 0, 65535, 0},
	{"llm.input_messages.%d.message.content", "", "hi", 0, 999999999, 0},
	{"llm.input_messages.%d.message.tool_calls.%d.tool_call.function.arguments", "", "args", 0, 4294967295, 0},
	{"llm.invocation_parameters", "", `{"temperature":"hot"}`, 0, 0, 0},
	{"event:gen_ai.content.prompt:gen_ai.prompt", "", `[{"role":"user","content":"hi"}]`, 0, 0, 0},
	{"event:gen_ai.user.message:content", "", `{"content":"hi","role":"user"}`, 6, 0, 0},
	{"event:gen_ai.assistant.message:tool_calls", "", `[{"id":"c1","type":"function","function":{"name":"f","arguments":"{"}}]`, 6, 0, 0},
	{"event:gen_ai.choice:message", "", `{"content":"ok","role":"assistant"}`, 6, 0, 0},
	{"event:exception:exception.message", "", "boom", 0, 0, 0},
	{"", "gen_ai.prompt.0.content", "free key", 0, 0, 0},
	{"", "", "empty key", 0, 0, 0},
}

// targetIndex is the where argument that selects target.
func targetIndex(target string) uint8 {
	i := slices.Index(fuzzTargets, target)
	if i < 0 {
		panic("no fuzz target " + target)
	}
	return uint8(i)
}

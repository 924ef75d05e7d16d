package translate

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// canonicalString reports whether lit, a valid JSON string literal, is
// canonical, as canonicalStr finds while reading it.
func canonicalString[T jsonText](lit T) bool {
	r := jsonReader[T]{data: lit}
	_, _, canonical := r.canonicalStr()
	return canonical && !r.bad
}

// checkCanonical checks canonicalStr on data when it is one JSON string
// literal: it reads the literal as str does, and finds canonical exactly
// the literals appendJSONString writes for the text they decode to.
func checkCanonical(t *testing.T, data []byte) {
	t.Helper()
	r := jsonReader[[]byte]{data: data}
	lit, escaped := r.str()
	c := jsonReader[[]byte]{data: data}
	clit, cescaped, _ := c.canonicalStr()
	require.Equal(t, r.bad, c.bad, "canonicalStr and str disagree on %q", data)
	require.Equal(t, r.pos, c.pos)
	require.Equal(t, string(lit), string(clit))
	require.Equal(t, escaped, cescaped)
	if r.bad || r.pos != len(data) {
		return
	}
	text := unquoteJSON(lit, escaped)
	rewritten := string(appendJSONString(nil, text))
	require.Equal(t, rewritten == string(lit), canonicalString(lit), "canonicalString(%s); appendJSONString writes %s", lit, rewritten)
	require.Equal(t, rewritten == string(lit), canonicalString(string(lit)), "canonicalString(%s) of a string", lit)
}

func TestCanonicalString(t *testing.T) {
	for lit, want := range map[string]bool{
		`""`:                      true,
		`"plain text"`:            true,
		`"quote \" backslash \\"`: true,
		`"\b\f\n\r\t"`:            true,
		`"\u0000\u001f\u0001"`:    true,
		`"\u2028 \u2029"`:         true,
		`"<html> & ünï € 😀"`:      true,
		"\"\x7f\"":                true, // DEL is written as it is
		`"\/"`:                    false,
		`"\u001F"`:                false, // upper-case hex
		`"\u000a"`:                false, // written \n
		`"\u0008"`:                false, // written \b
		`"\u0020"`:                false,
		`"\u003c"`:                false, // HTML escaping
		`"\u00e9"`:                false,
		`"\u007f"`:                false,
		`"\ud83d\ude00"`:          false,
		`"\ud83d"`:                false, // a lone surrogate decodes to U+FFFD
		`"\u2028\u202a"`:          false,
		"\"\xe2\x80\xa8\"":        false, // a raw U+2028 is written \u2028
		"\"\xe2\x80\xa9\"":        false,
		"\"\xff\"":                false, // invalid UTF-8 is written \ufffd
		"\"\xed\xa0\x80\"":        false, // an encoded surrogate is invalid UTF-8
		"\"a\xc3\"":               false,
		"\"" + strings.Repeat("x", 40) + "\xc3\xa9\\n" + strings.Repeat("y", 9) + "\"": true,
	} {
		require.Equal(t, want, canonicalString(lit), lit)
		checkCanonical(t, []byte(lit))
	}
}

// FuzzCanonicalString checks canonicalStr on fuzzed string literals:
// for every literal it accepts, appendJSONString(unquote(lit)) == lit, and
// it accepts every literal for which that holds.
func FuzzCanonicalString(f *testing.F) {
	for _, seed := range []string{`"a\"b\\c\n\u0001\u2028é"`, `"\u00e9\/"`, "\"\xff\xe2\x80\xa8\"", `"\u001F"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCanonical(t, data)
		// And valid UTF-8 encoded: always canonical (invalid UTF-8 is
		// written \ufffd, which decodes to U+FFFD, written as it is).
		if utf8.Valid(data) {
			lit := appendJSONString(nil, string(data))
			require.True(t, canonicalString(lit), "appendJSONString writes %s", lit)
		}
	})
}

// settleLiterals checks, in a value a wire decoder wrote, the literals
// readTextLit kept beside a text: each is the canonical form of its text.
// It then decodes the text and drops the literal, leaving what
// json.Unmarshal decodes.
func settleLiterals(t *testing.T, v any) {
	t.Helper()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			switch p := v.Addr().Interface().(type) {
			case *part:
				p.Content = settleLiteral(t, p.Content, &p.contentLit)
			case *vercelPart:
				p.Text = settleLiteral(t, p.Text, &p.textLit)
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(v))
}

func settleLiteral(t *testing.T, text anyText, lit *string) anyText {
	t.Helper()
	if *lit == "" {
		return text
	}
	decoded := textOf(text, *lit)
	require.Equal(t, *lit, string(appendJSONString(nil, string(decoded))), "the literal kept for %q", decoded)
	require.Equal(t, decoded != "", textNotEmpty(text, *lit), "the literal kept for %q", decoded)
	*lit = ""
	return decoded
}

// FuzzLiteralContent puts fuzzed text into the message attributes of each
// convention that carries JSON messages, once as a JSON string literal as
// written (escapes and all) and once encoded, and checks that the records
// are byte for byte what they were before literals were kept as content
// (keepLiterals off).
func FuzzLiteralContent(f *testing.F) {
	for _, seed := range []string{"hi", `a \"quoted\" word\nnext line`, `\u00e9\/\u2028`, "ü € \xff", `\\`, ""} {
		for where := range literalTemplates {
			f.Add(seed, uint8(where), false)
			f.Add(seed, uint8(where), true)
		}
	}
	f.Fuzz(func(t *testing.T, text string, where uint8, encoded bool) {
		lit := `"` + text + `"`
		if encoded {
			lit = string(appendJSONString(nil, text))
		}
		tmpl := literalTemplates[int(where)%len(literalTemplates)]
		td := ptrace.NewTraces()
		span := fuzzSpan(td)
		attrs := span.Attributes()
		for _, kv := range tmpl {
			attrs.PutStr(kv[0], strings.ReplaceAll(kv[1], "$", lit))
		}

		want := translateBodies(t, td, false)
		got := translateBodies(t, td, true)
		require.Equal(t, want, got, "records of %s", lit)
	})
}

// literalTemplates are the attributes of one span each; $ becomes the
// fuzzed literal.
var literalTemplates = [][][2]string{
	{{"gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":$}]}]`},
		{"gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":$}]}]`}},
	{{"gen_ai.input.messages", `[{"role":"system","parts":[{"content":$},{"type":"text","content":$}]},` +
		`{"role":"user","parts":[{"type":"text","content":$},{"type":"blob","modality":"image","content":$}]},` +
		`{"role":"user","parts":[{"type":"input_text","content":$},{"type":"text","content":null}]}]`},
		{"gen_ai.system_instructions", `[{"type":"text","content":$}]`}},
	{{"gen_ai.input.messages", `{"role":"user","parts":[{"type":"text","content":"x","content":$}]}`}},
	{{"gen_ai.system_instructions", `[{"type":"text","content":$}]`},
		{"gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"q"}]}]`}},
	{{"gen_ai.system_instructions", `[{"type":"text","content":$},{"content":$}]`},
		{"gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"q"}]}]`}},
	{{"ai.operationId", "ai.generateText.doGenerate"}, {"ai.model.id", "gpt-4o"},
		{"ai.prompt.messages", `[{"role":"system","content":$},{"role":"user","content":[{"type":"text","text":$}]},` +
			`{"role":"user","content":[{"type":"text","text":$},{"type":"text","text":"more"}]},` +
			`{"role":"user","content":[{"type":"text","text":$},{"type":"image","image":"https://x/y.png"}]}]`}},
}

// translateBodies translates td with keepLiterals set as given and returns
// each record's JSON.
func translateBodies(t *testing.T, td ptrace.Traces, keep bool) []string {
	t.Helper()
	defer func(was bool) { keepLiterals = was }(keepLiterals)
	keepLiterals = keep
	var bodies []string
	for _, item := range New(Options{}).Traces(td).Items {
		body := item.Record.AppendJSON(nil)
		require.True(t, json.Valid(body), "%s", body)
		bodies = append(bodies, string(body))
	}
	return bodies
}

package translate

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func value(t testing.TB, raw any) pcommon.Value {
	t.Helper()
	v := pcommon.NewValueEmpty()
	require.NoError(t, v.FromRaw(raw))
	return v
}

func TestIntValue(t *testing.T) {
	tests := []struct {
		in   any
		want int64
		ok   bool
	}{
		{int64(42), 42, true},
		{"42", 42, true},
		{" 42 ", 42, true},
		{"42.0", 42, true},
		{42.0, 42, true},
		{42.5, 0, false},
		{"4.2e1", 42, true},
		{"abc", 0, false},
		{"", 0, false},
		{true, 0, false},
		{math.NaN(), 0, false},
		{math.Inf(1), 0, false},
		{1e300, 0, false},
		{[]any{int64(1)}, 0, false},
		{nil, 0, false},
	}
	for _, tt := range tests {
		got, ok := intValue(value(t, tt.in))
		assert.Equal(t, tt.ok, ok, "%#v", tt.in)
		assert.Equal(t, tt.want, got, "%#v", tt.in)
	}
	_, ok := intValue(pcommon.Value{})
	assert.False(t, ok, "absent")
}

func TestFloatValue(t *testing.T) {
	tests := []struct {
		in   any
		want float64
		ok   bool
	}{
		{0.25, 0.25, true},
		{int64(1), 1, true},
		{"0.7", 0.7, true},
		{"hot", 0, false},
		{math.NaN(), 0, false},
		{"Inf", 0, false},
		{false, 0, false},
	}
	for _, tt := range tests {
		got, ok := floatValue(value(t, tt.in))
		assert.Equal(t, tt.ok, ok, "%#v", tt.in)
		assert.Equal(t, tt.want, got, "%#v", tt.in)
	}
}

func TestBoolValue(t *testing.T) {
	tests := []struct {
		in       any
		want, ok bool
	}{
		{true, true, true},
		{"false", false, true},
		{"TRUE", true, true},
		{int64(1), true, true},
		{int64(0), false, true},
		{int64(2), false, false},
		{"yes", false, false},
	}
	for _, tt := range tests {
		got, ok := boolValue(value(t, tt.in))
		assert.Equal(t, tt.ok, ok, "%#v", tt.in)
		assert.Equal(t, tt.want, got, "%#v", tt.in)
	}
}

func TestStr(t *testing.T) {
	assert.Equal(t, "x", str(value(t, "x")))
	assert.Equal(t, "", str(value(t, "__REDACTED__")))
	assert.Equal(t, "12", str(value(t, int64(12))))
	assert.Equal(t, "1.5", str(value(t, 1.5)))
	assert.Equal(t, "true", str(value(t, true)))
	assert.Equal(t, "", str(value(t, map[string]any{"a": 1})))
	assert.Equal(t, "", str(value(t, []any{"a"})))
	assert.Equal(t, "", str(pcommon.Value{}))
}

func TestStringsValue(t *testing.T) {
	assert.Equal(t, []string{"a", "b"}, stringsValue(value(t, []any{"a", "", "b"})))
	assert.Equal(t, []string{"END"}, stringsValue(value(t, "END")))
	assert.Equal(t, []string{"a", "b"}, stringsValue(value(t, `["a","b"]`)))
	assert.Equal(t, []string{"[not json"}, stringsValue(value(t, "[not json")))
	assert.Equal(t, []string{"5"}, stringsValue(value(t, int64(5))))
	assert.Nil(t, stringsValue(value(t, "")))
	assert.Nil(t, stringsValue(value(t, []any{})))
	assert.Nil(t, stringsValue(pcommon.Value{}))
}

func TestContentJSON(t *testing.T) {
	assert.Equal(t, `[{"a":1}]`, string(contentJSON(` [{"a":1}] `)))
	assert.Equal(t, `[{"a":1}]`, string(contentJSON(`"[{\"a\":1}]"`)), "double encoded")
	assert.Equal(t, `[1]`, string(contentJSON(`"\"[1]\""`)), "triple encoded: two levels unwrapped")
	assert.Equal(t, `plain text`, string(contentJSON(`plain text`)))
	assert.Equal(t, `"unterminated`, string(contentJSON(`"unterminated`)))
}

func TestAnyText(t *testing.T) {
	var v struct {
		A, B, C, D, E anyText
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A":"x\ny","B":{"k":[1,2]},"C":17,"D":null,"E":"user"}`), &v))
	assert.Equal(t, anyText("x\ny"), v.A)
	assert.Equal(t, anyText(`{"k":[1,2]}`), v.B)
	assert.Equal(t, anyText("17"), v.C)
	assert.Equal(t, anyText(""), v.D)
	assert.Equal(t, anyText("user"), v.E)
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"plain", "quote \" backslash \\", "ctl \x00\x01\x1f\t\n\r", "ünïcødé 😀", "bad \xff\xfe utf8",
		"\u2028 line sep", "",
	} {
		b := appendJSONString(nil, s)
		require.True(t, json.Valid(b), "%q -> %s", s, b)
		var back string
		require.NoError(t, json.Unmarshal(b, &back))
		want, _ := json.Marshal(s)
		var wantBack string
		require.NoError(t, json.Unmarshal(want, &wantBack))
		assert.Equal(t, wantBack, back, "%q", s)
	}
}

func TestValueJSON(t *testing.T) {
	v := value(t, map[string]any{
		"s": "x", "i": int64(1), "f": 1.5, "b": true, "n": nil,
		"l": []any{"a", int64(2), map[string]any{"k": "v"}}, "nan": math.NaN(),
	})
	got := valueJSON(v)
	require.True(t, json.Valid(got), string(got))
	assert.JSONEq(t, `{"s":"x","i":1,"f":1.5,"b":true,"n":null,"l":["a",2,{"k":"v"}],"nan":null}`, string(got))

	b := pcommon.NewValueBytes()
	b.Bytes().FromRaw([]byte{0xde, 0xad})
	assert.Equal(t, `"3q0="`, string(valueJSON(b)))
}

func TestRawJSON(t *testing.T) {
	assert.Nil(t, rawJSON(nil))
	assert.Nil(t, rawJSON([]byte("null")))
	got := rawJSON([]byte("\"a\xffb\""))
	assert.True(t, json.Valid(got))
	assert.Equal(t, "\"a\uFFFDb\"", string(got))
}

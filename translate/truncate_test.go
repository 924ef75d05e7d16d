package translate

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTruncateString(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
		cut   bool
	}{
		{"short", "abc", 5, "abc", false},
		{"exact", "abcde", 5, "abcde", false},
		{"ascii", "abcdef", 5, "abcde", true},
		{"two-byte rune kept whole", "aéé", 3, "aé", true},
		{"two-byte rune not split", "aéé", 4, "aé", true},
		{"three-byte rune not split", "€€", 5, "€", true},
		{"four-byte rune not split", "x😀", 4, "x", true},
		{"limit inside first rune", "😀", 2, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := truncateString(tt.in, tt.limit)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.cut, cut)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, len(got), tt.limit)
		})
	}
}

func TestTruncateRecord(t *testing.T) {
	long := strings.Repeat("ü", 20) // 40 bytes
	rec := Record{
		Prompt: []Message{
			{Role: "system", Content: jsonString("short")},
			{Role: "user", Content: jsonString(long)},
			{Role: "user", Content: jsonString(long + "\n" + long)},
			{Role: "user", Content: json.RawMessage(`[{"type":"text","text":"` + long + `"},` +
				`{"type":"image_url","image_url":{"url":"data:image/png;base64,` + strings.Repeat("A", 64) + `"}}]`)},
			{Role: "assistant", Content: nil, ToolCalls: []ToolCall{{Type: "function"}}},
		},
		Response: long,
		Context:  "ctx",
	}

	n := truncate(&rec, 11)

	assert.Equal(t, 2, n, "prompt and response, each counted once")
	assert.Equal(t, []string{"prompt", "response"}, rec.CustomAttributes.Map()[truncatedFieldsKey])
	assert.JSONEq(t, `"short"`, string(rec.Prompt[0].Content))
	assert.JSONEq(t, `"üüüüü"`, string(rec.Prompt[1].Content))
	assert.JSONEq(t, `"üüüüü"`, string(rec.Prompt[2].Content))
	assert.JSONEq(t, `[{"type":"text","text":"üüüüü"},{"type":"image_url","image_url":{"url":"data:image/"}}]`,
		string(rec.Prompt[3].Content))
	assert.Nil(t, rec.Prompt[4].Content)
	assert.Equal(t, "üüüüü", rec.Response)
	assert.Equal(t, "ctx", rec.Context)

	_, err := json.Marshal(rec)
	require.NoError(t, err)
}

func TestTruncateContext(t *testing.T) {
	rec := Record{Context: strings.Repeat("c", 20)}
	assert.Equal(t, 1, truncate(&rec, 8))
	assert.Equal(t, "cccccccc", rec.Context)
	assert.Equal(t, []string{"context"}, rec.CustomAttributes.Map()[truncatedFieldsKey])
}

func TestTruncateNoLimit(t *testing.T) {
	rec := Record{Response: strings.Repeat("r", 1000)}
	assert.Zero(t, truncate(&rec, 0))
	assert.Len(t, rec.Response, 1000)
	assert.Nil(t, rec.CustomAttributes)
}

func TestSpanCountsTruncation(t *testing.T) {
	span := chatSpan(2, false)
	tr := New(Options{MaxFieldBytes: 10})
	rec, n, ok := tr.Span(testResource(), testScope(), span)
	require.True(t, ok)
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{"prompt", "response"}, rec.CustomAttributes.Map()[truncatedFieldsKey])
	assert.Equal(t, "Question 1", rec.UserQuery, "user_query comes from the truncated prompt")
}

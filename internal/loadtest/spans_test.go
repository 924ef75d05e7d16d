package loadtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestSpansBecomeOneRecordEach(t *testing.T) {
	spans := NewSpans(42)
	td := spans.Batch(10, 3, time.Unix(1_700_000_000, 0))

	bodies, err := RecordBodies(td)

	require.NoError(t, err)
	require.Len(t, bodies, 3)
	for i, body := range bodies {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(body, &rec))
		assert.Equal(t, spans.Ref(10+i), rec["external_reference_id"])
		assert.Equal(t, "gpt-4o-mini-2024-07-18", rec["language_model_id"])
		assert.Len(t, rec["prompt"], 4, "system, user, assistant, user")
		assert.Contains(t, rec["response"], "raise the memory limit")
		assert.Equal(t, "conv-"+[]string{"2", "2", "3"}[i], rec["session_id"])
		assert.Equal(t, "loadtest", rec["environment"])
		assert.NotZero(t, rec["prompt_tokens"])
		assert.InDelta(t, 200, rec["status_code"], 0)
	}
}

func TestSpansAreRealisticInSize(t *testing.T) {
	td := NewSpans(1).Batch(99_999, 1, time.Now())
	attrs := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()

	input, _ := attrs.Get("gen_ai.input.messages")
	output, _ := attrs.Get("gen_ai.output.messages")

	assert.InDelta(t, 550, len(input.Str()), 100, "input messages JSON")
	assert.InDelta(t, 250, len(output.Str()), 60, "output messages JSON")
	assert.True(t, json.Valid([]byte(input.Str())))
	assert.True(t, json.Valid([]byte(output.Str())))
}

func TestSpanIDsAreDistinctAndValid(t *testing.T) {
	a, b := NewSpans(1), NewSpans(2)
	seen := map[string]bool{}
	for i := range 1000 {
		seen[a.Ref(i)] = true
		seen[b.Ref(i)] = true
	}
	assert.Len(t, seen, 2000)

	span := a.Batch(0, 1, time.Now()).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	assert.False(t, span.TraceID().IsEmpty())
	assert.False(t, span.SpanID().IsEmpty())
}

func TestOTLPRoundTrips(t *testing.T) {
	td := NewSpans(7).Batch(0, 5, time.Now())

	body, err := OTLP(td)
	require.NoError(t, err)
	got, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)

	require.NoError(t, err)
	assert.Equal(t, 5, got.SpanCount())
}

package translate

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestScenarioRecords checks which spans of each scenario become records,
// in order, that each item's Ref points at the span its record was made
// from, and how many spans were skipped. The goldens check the records.
func TestScenarioRecords(t *testing.T) {
	tests := []struct {
		input      string
		embeddings bool
		spans      []string // span ids of the records, in order
		skipped    int
	}{
		// One record per provider call; wrappers, the tool call and (by
		// default) the embeddings are skipped.
		{"vercel", false, []string{"a200000000000002", "b200000000000002", "b200000000000004",
			"c200000000000002", "d200000000000002", "e200000000000002", "e200000000000003"}, 8},
		{"vercel", true, []string{"a200000000000002", "b200000000000002", "b200000000000004",
			"c200000000000002", "d200000000000002", "e200000000000002", "e200000000000003", "f200000000000002"}, 7},
		// invoke_agent → step → chat → execute_tool → step → chat: two records;
		// of the embeddings root and inner span only the inner one.
		{"ai-sdk-7", false, []string{"a700000000000003", "a700000000000006"}, 6},
		{"ai-sdk-7", true, []string{"a700000000000003", "a700000000000006", "e700000000000002"}, 5},
		// Wrappers give way to the innermost call, except across a tool.
		{"nesting", false, []string{"b400000000000001", "a400000000000003", "b400000000000003",
			"c400000000000003", "d400000000000002", "d400000000000003"}, 6},
		{"openllmetry", false, []string{"a100000000000002", "a100000000000004", "b100000000000001",
			"c100000000000001", "d100000000000001", "1110000000000002", "e100000000000001", "1010000000000003"}, 7},
		{"rag", false, []string{"a600000000000004", "b600000000000003", "b600000000000006", "c600000000000005"}, 11},
		{"inheritance", false, []string{"a500000000000003", "a500000000000004", "b500000000000002", "c500000000000002"}, 4},
	}
	for _, tt := range tests {
		td := loadTraces(t, filepath.Join(goldenDir, tt.input+".json"))
		res := New(Options{IncludeEmbeddings: tt.embeddings}).Traces(td)

		var got []string
		for _, item := range res.Items {
			span := td.ResourceSpans().At(item.Ref.Resource).ScopeSpans().At(item.Ref.Scope).Spans().At(item.Ref.Span)
			assert.Equal(t, span.SpanID().String(), item.Record.CustomAttributes.Map()["span_id"], "%s: Ref and record disagree", tt.input)
			got = append(got, span.SpanID().String())
		}
		assert.Equal(t, tt.spans, got, tt.input)
		assert.Equal(t, tt.skipped, res.Skipped, tt.input)
	}
}

// batchOf builds a batch of spans in one trace from (id, parent, attrs).
func batchOf(t *testing.T, spans ...spanSpec) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, s := range spans {
		span := ss.AppendEmpty()
		span.SetTraceID(pcommon.TraceID{9})
		span.SetSpanID(pcommon.SpanID{s.id})
		if s.parent != 0 {
			span.SetParentSpanID(pcommon.SpanID{s.parent})
		}
		span.SetStartTimestamp(pcommon.Timestamp(s.start) * 1e6)
		span.SetEndTimestamp(pcommon.Timestamp(s.end) * 1e6)
		putAttrs(t, span.Attributes(), s.attrs)
	}
	return td
}

type spanSpec struct {
	id, parent byte
	start, end int
	attrs      map[string]any
}

func chatAttrs(more map[string]any) map[string]any {
	attrs := map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"}
	for k, v := range more {
		attrs[k] = v
	}
	return attrs
}

func TestCyclicParentsKeepRecords(t *testing.T) {
	// Each span names the other as parent: a malformed batch. The loop is
	// cut, so one of them wraps the other and the translation ends.
	td := batchOf(t,
		spanSpec{id: 1, parent: 2, attrs: chatAttrs(nil)},
		spanSpec{id: 2, parent: 1, attrs: chatAttrs(nil)},
		spanSpec{id: 3, parent: 3, attrs: chatAttrs(map[string]any{"session.id": "self"})},
	)
	res := New(Options{}).Traces(td)
	require.Len(t, res.Items, 2)
	assert.Equal(t, "self", res.Items[1].Record.SessionID)
	assert.Equal(t, 1, res.Skipped)
}

func TestParentsInOtherBatchesAreIgnored(t *testing.T) {
	// The parent is not in the batch (no groupbytrace): the span is
	// translated on its own.
	td := batchOf(t, spanSpec{id: 1, parent: 7, attrs: chatAttrs(map[string]any{"user.id": "u"})})
	res := New(Options{}).Traces(td)
	require.Len(t, res.Items, 1)
	assert.Equal(t, "u", res.Items[0].Record.CustomerUserID)
	assert.Equal(t, "0700000000000000", res.Items[0].Record.CustomAttributes.Map()["parent_span_id"])
}

func TestWrapperOfTwoCallsKeepsItsUsage(t *testing.T) {
	td := batchOf(t,
		spanSpec{id: 1, attrs: chatAttrs(map[string]any{"gen_ai.usage.input_tokens": 20, "gen_ai.request.temperature": 0.5})},
		spanSpec{id: 2, parent: 1, attrs: chatAttrs(nil)},
		spanSpec{id: 3, parent: 1, attrs: chatAttrs(map[string]any{"gen_ai.usage.input_tokens": 7})},
	)
	res := New(Options{}).Traces(td)
	require.Len(t, res.Items, 2)
	first, second := res.Items[0].Record, res.Items[1].Record
	assert.Nil(t, first.PromptTokens, "a wrapper of two calls gives neither its tokens")
	assert.Equal(t, int64(7), *second.PromptTokens)
	for _, rec := range []Record{first, second} {
		require.NotNil(t, rec.ModelOptions)
		assert.Equal(t, 0.5, *rec.ModelOptions.Temperature, "options are shared by the calls")
	}
	*first.ModelOptions.Temperature = 1
	assert.Equal(t, 0.5, *second.ModelOptions.Temperature, "records share nothing")
}

func TestRetrievalAfterTheCallIsNoContext(t *testing.T) {
	retrieval := map[string]any{
		"gen_ai.operation.name":      "retrieval",
		"gen_ai.retrieval.documents": `[{"content":"late"}]`,
	}
	td := batchOf(t,
		spanSpec{id: 1, end: 100},
		spanSpec{id: 2, parent: 1, start: 10, end: 30, attrs: retrieval},
		spanSpec{id: 3, parent: 1, start: 20, end: 90, attrs: chatAttrs(nil)},
	)
	res := New(Options{}).Traces(td)
	require.Len(t, res.Items, 1)
	assert.Empty(t, res.Items[0].Record.Context, "the retrieval ended after the call started")
}

func TestSpanAloneHasNoTraceRules(t *testing.T) {
	// Span translates without the spans around it: the same record as
	// Traces gives a span without relatives.
	td := batchOf(t, spanSpec{id: 1, end: 5, attrs: chatAttrs(map[string]any{"session.id": "s"})})
	span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	rec, _, ok := New(Options{}).Span(td.ResourceSpans().At(0).Resource(), pcommon.NewInstrumentationScope(), span)
	require.True(t, ok)
	assert.Equal(t, New(Options{}).Traces(td).Items[0].Record, rec)
}

func TestSkipBatchDoesNotAllocate(t *testing.T) {
	td := skipBatch()
	tr := New(Options{Tags: []string{"a"}})
	allocs := testing.AllocsPerRun(20, func() {
		if res := tr.Traces(td); len(res.Items) != 0 || res.Skipped != 200 {
			t.Fatal("HTTP spans translated")
		}
	})
	assert.Zero(t, allocs)
}

// TestContextOnlySpansAreNeitherRecordsNorSkipped: in a retried batch the
// spans the exporter marked ContextOnly were counted when the batch was
// first translated, so only the unmarked ones count now.
func TestContextOnlySpansAreNeitherRecordsNorSkipped(t *testing.T) {
	marked := map[string]any{ContextOnly: true}
	td := batchOf(t,
		spanSpec{id: 1, attrs: map[string]any{"http.route": "/chat", ContextOnly: true}},
		spanSpec{id: 2, parent: 1, attrs: chatAttrs(marked)},
		spanSpec{id: 3, parent: 1, attrs: chatAttrs(nil)},
		spanSpec{id: 4, parent: 1, attrs: map[string]any{"db.statement": "select 1"}},
		spanSpec{id: 5, parent: 1, attrs: chatAttrs(map[string]any{ContextOnly: "true"})}, // not the exporter's mark
	)
	res := New(Options{}).Traces(td)
	require.Len(t, res.Items, 2)
	assert.Equal(t, pcommon.SpanID{3}.String(), res.Items[0].Record.CustomAttributes.Map()["span_id"])
	assert.Equal(t, 1, res.Skipped, "the unmarked database span")
}

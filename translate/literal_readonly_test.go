//go:build linux

package translate

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestContentIsNeverWrittenInPlace backs literalContent, which makes
// message content share the bytes of the producer's attribute string: it
// moves every string of every input span into memory that cannot be
// written, then translates, truncates, redacts and encodes. A write into
// content in place would be a write into the span, and crashes the test.
func TestContentIsNeverWrittenInPlace(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	inputs = append(inputs, otelOfficial, openInference)
	redact, err := NewRedaction(RedactableFields, []string{"prompt_template"})
	require.NoError(t, err)
	n := 0
	for _, input := range inputs {
		if strings.HasSuffix(input, ".golden.json") {
			continue
		}
		td := loadTraces(t, input)
		readOnlyStrings(t, td)
		for _, limit := range []int{0, 16} {
			res := New(Options{MaxFieldBytes: limit, IncludeEmbeddings: true}).Traces(td)
			for i := range res.Items {
				rec := &res.Items[i].Record
				_ = rec.AppendJSON(nil)
				redact.Apply(rec)
				_ = rec.AppendJSON(nil)
				n++
			}
		}
	}
	require.Greater(t, n, 50, "records made")
	// So must the finish-reason lists records share.
	require.Equal(t, []any{[]string{"stop"}, []string{"length"}, []string{"tool_calls"}},
		[]any{reasonsStop, reasonsLength, reasonsToolCalls})
}

// readOnlyStrings moves the string values of td's span and event
// attributes, nested ones too, into one read-only mapping.
func readOnlyStrings(t *testing.T, td ptrace.Traces) {
	var values []pcommon.Value
	var collect func(v pcommon.Value)
	collect = func(v pcommon.Value) {
		switch v.Type() {
		case pcommon.ValueTypeStr:
			values = append(values, v)
		case pcommon.ValueTypeMap:
			for _, item := range v.Map().All() {
				collect(item)
			}
		case pcommon.ValueTypeSlice:
			for i := 0; i < v.Slice().Len(); i++ {
				collect(v.Slice().At(i))
			}
		}
	}
	collectMap := func(m pcommon.Map) {
		for _, v := range m.All() {
			collect(v)
		}
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				collectMap(span.Attributes())
				for e := 0; e < span.Events().Len(); e++ {
					collectMap(span.Events().At(e).Attributes())
				}
			}
		}
	}
	size := 0
	for _, v := range values {
		size += len(v.Str())
	}
	page := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, (size/page+1)*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	require.NoError(t, err)
	off := 0
	for _, v := range values {
		s := v.Str()
		if s == "" {
			continue
		}
		copy(mem[off:], s)
		v.SetStr(unsafe.String(&mem[off], len(s)))
		off += len(s)
	}
	require.NoError(t, syscall.Mprotect(mem, syscall.PROT_READ))
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
}

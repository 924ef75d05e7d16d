package translate

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/translate")

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	goldenDir     = "../testdata/translate"
	otelOfficial  = "../testdata/captured/otel-official.json"
	openInference = "../testdata/captured/openinference.json"
)

// embeddingsGoldens are the inputs also translated with IncludeEmbeddings,
// into <name>.embeddings.golden.json.
var embeddingsGoldens = map[string]bool{
	"otel-official": true, "openinference": true, "openllmetry": true, "vercel": true, "ai-sdk-7": true,
}

// goldenOptions are the exporter settings every golden file is made with.
var goldenOptions = Options{
	Environment:   "default-env",
	Tags:          []string{"athina-otel", "team-llm", "athina-otel", ""},
	PromptSlug:    "default-slug",
	MaxFieldBytes: 512,
}

// TestGolden translates each input in testdata/translate (and the captured
// spans) and compares the records with <name>.golden.json. Run with
// -update to rewrite the goldens, then read them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	inputs = append(inputs, otelOfficial, openInference)

	n := 0
	for _, input := range inputs {
		if strings.HasSuffix(input, ".golden.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(input), ".json")
		t.Run(name, func(t *testing.T) {
			checkGolden(t, goldenOptions, input, name+".golden.json")
		})
		if embeddingsGoldens[name] {
			t.Run(name+"+embeddings", func(t *testing.T) {
				opts := goldenOptions
				opts.IncludeEmbeddings = true
				checkGolden(t, opts, input, name+".embeddings.golden.json")
			})
		}
	}
	require.Greater(t, n, 5, "golden inputs not found")
}

func checkGolden(t *testing.T, opts Options, input, golden string) {
	res := New(opts).Traces(loadTraces(t, input))
	got, err := json.MarshalIndent(records(res), "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')

	golden = filepath.Join(goldenDir, golden)
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestOtelOfficial(t *testing.T) {
	res := New(Options{Environment: "unused"}).Traces(loadTraces(t, otelOfficial))

	require.Len(t, res.Items, 10, "8 successful chats (2 of them tool-call turns) and 2 errors")
	assert.Equal(t, 3, res.Skipped, "embeddings, retrieval and the rag_pipeline span")
	assert.Zero(t, res.Truncated)

	var toolTurns int
	codes := map[int]int{}
	for _, item := range res.Items {
		rec := item.Record
		assert.Equal(t, "demo-test", rec.Environment)
		assert.Equal(t, "demo-otel-official", rec.CustomAttributes.Map()["service_name"])
		assert.NotNil(t, rec.Prompt)
		codes[rec.StatusCode]++
		if reasons, _ := rec.CustomAttributes.Map()["finish_reasons"].([]string); len(reasons) == 1 && reasons[0] == "tool_calls" {
			toolTurns++
		}
	}
	assert.Equal(t, map[int]int{200: 8, 500: 1, 429: 1}, codes)
	assert.Equal(t, 2, toolTurns)

	failed := res.Items[6].Record
	assert.Equal(t, 500, failed.StatusCode)
	assert.Equal(t, "500 The server had an error while processing your request (fake-openai FAIL500).", failed.Error)
	limited := res.Items[7].Record
	assert.Equal(t, 429, limited.StatusCode)
	assert.Equal(t, "429 Rate limit reached for requests (fake-openai FAIL429).", limited.Error)
	assert.Equal(t, SpanRef{Resource: 0, Scope: 0, Span: 7}, res.Items[7].Ref)

	last := res.Items[9].Record
	assert.Equal(t, "demo-session-otel-official-001", last.SessionID, "session.id wins over gen_ai.conversation.id")
	assert.Equal(t, "demo-user-42", last.CustomerUserID)
}

func TestSkippedSpans(t *testing.T) {
	for name, skipped := range map[string]int{"http-server": 1, "invoke-agent": 6} {
		res := New(Options{}).Traces(loadTraces(t, filepath.Join(goldenDir, name+".json")))
		assert.Empty(t, res.Items, name)
		assert.Equal(t, skipped, res.Skipped, name)
	}
}

func loadTraces(t testing.TB, path string) ptrace.Traces {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var u ptrace.JSONUnmarshaler
	td, err := u.UnmarshalTraces(data)
	require.NoError(t, err)
	return td
}

func records(res Result) []Record {
	out := make([]Record, 0, len(res.Items))
	for _, item := range res.Items {
		out = append(out, item.Record)
	}
	return out
}

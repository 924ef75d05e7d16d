package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		attrs  map[string]any
		events []string
		want   class
	}{
		{"chat", map[string]any{"gen_ai.operation.name": "chat"}, nil, classLLM},
		{"text_completion", map[string]any{"gen_ai.operation.name": "text_completion"}, nil, classLLM},
		{"generate_content", map[string]any{"gen_ai.operation.name": "generate_content"}, nil, classLLM},
		{"legacy completion", map[string]any{"gen_ai.operation.name": "completion"}, nil, classLLM},
		{"generate", map[string]any{"gen_ai.operation.name": "generate"}, nil, classLLM},
		{"response", map[string]any{"gen_ai.operation.name": "response"}, nil, classLLM},
		{"upper case", map[string]any{"gen_ai.operation.name": "Chat"}, nil, classLLM},
		{"embeddings", map[string]any{"gen_ai.operation.name": "embeddings", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 3}, nil, classEmbedding},
		{"retrieval", map[string]any{"gen_ai.operation.name": "retrieval"}, nil, classRetriever},
		{"vector_db_retrieve", map[string]any{"gen_ai.operation.name": "vector_db_retrieve"}, nil, classRetriever},
		{"execute_tool", map[string]any{"gen_ai.operation.name": "execute_tool"}, nil, classTool},
		{"invoke_agent with usage", map[string]any{"gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 3}, nil, classOther},
		{"create_agent", map[string]any{"gen_ai.operation.name": "create_agent"}, nil, classOther},
		{"invoke_workflow", map[string]any{"gen_ai.operation.name": "invoke_workflow"}, nil, classOther},
		{"agent_step", map[string]any{"gen_ai.operation.name": "agent_step"}, nil, classOther},
		{"unknown op, model and usage", map[string]any{"gen_ai.operation.name": "think", "gen_ai.request.model": "m", "gen_ai.usage.output_tokens": 3}, nil, classLLM},
		{"unknown op, model only", map[string]any{"gen_ai.operation.name": "think", "gen_ai.request.model": "m"}, nil, classOther},
		{"no op, response model and input", map[string]any{"gen_ai.response.model": "m", "gen_ai.input.messages": "[]"}, nil, classLLM},
		{"no op, legacy prompt", map[string]any{"gen_ai.request.model": "m", "gen_ai.prompt": "hi"}, nil, classLLM},
		{"no op, legacy completion", map[string]any{"gen_ai.request.model": "m", "gen_ai.completion": "hi"}, nil, classLLM},
		{"no op, message event", map[string]any{"gen_ai.request.model": "m"}, []string{"gen_ai.user.message"}, classLLM},
		{"no op, choice event", map[string]any{"gen_ai.request.model": "m"}, []string{"gen_ai.choice"}, classLLM},
		{"no op, content event", map[string]any{"gen_ai.request.model": "m"}, []string{"gen_ai.content.prompt"}, classLLM},
		{"no op, details event", map[string]any{"gen_ai.request.model": "m"}, []string{"gen_ai.client.inference.operation.details"}, classLLM},
		{"no op, other event", map[string]any{"gen_ai.request.model": "m"}, []string{"exception"}, classOther},
		{"tool name wins over evidence", map[string]any{"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1, "gen_ai.tool.name": "t"}, nil, classTool},
		{"evidence without model", map[string]any{"gen_ai.usage.input_tokens": 1, "gen_ai.prompt": "hi"}, nil, classOther},
		{"empty model", map[string]any{"gen_ai.request.model": "", "gen_ai.usage.input_tokens": 1}, nil, classOther},
		{"op not a string", map[string]any{"gen_ai.operation.name": 3, "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, nil, classLLM},
		{"http span", map[string]any{"http.request.method": "GET", "http.response.status_code": 200}, nil, classOther},
		{"nothing", nil, nil, classOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			putAttrs(t, span.Attributes(), tt.attrs)
			for _, name := range tt.events {
				span.Events().AppendEmpty().SetName(name)
			}
			assert.Equal(t, tt.want, classify(span, conventions()))
		})
	}
}

func TestSkipDoesNotAllocate(t *testing.T) {
	span := httpServerSpan()
	tr := New(Options{Environment: "prod", Tags: []string{"a"}})
	res, scope := pcommon.NewResource(), pcommon.NewInstrumentationScope()
	allocs := testing.AllocsPerRun(100, func() {
		if _, _, ok := tr.Span(res, scope, span); ok {
			t.Fatal("HTTP span translated")
		}
	})
	assert.Zero(t, allocs)
}

func putAttrs(t testing.TB, m pcommon.Map, attrs map[string]any) {
	t.Helper()
	if err := m.FromRaw(attrs); err != nil {
		t.Fatal(err)
	}
}

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
		{"invoke_agent with usage", map[string]any{"gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 3}, nil, classAgent},
		{"create_agent", map[string]any{"gen_ai.operation.name": "create_agent"}, nil, classAgent},
		{"invoke_workflow", map[string]any{"gen_ai.operation.name": "invoke_workflow"}, nil, classOther},
		{"agent_step", map[string]any{"gen_ai.operation.name": "agent_step"}, nil, classAgent},
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

		// C1: OpenInference wins over everything, in any case.
		{"OI LLM", map[string]any{"openinference.span.kind": "LLM"}, nil, classLLM},
		{"OI llm lower case over GenAI agent", map[string]any{"openinference.span.kind": "llm", "gen_ai.operation.name": "invoke_agent"}, nil, classLLM},
		{"OI embedding", map[string]any{"openinference.span.kind": "EMBEDDING"}, nil, classEmbedding},
		{"OI retriever", map[string]any{"openinference.span.kind": "RETRIEVER"}, nil, classRetriever},
		{"OI reranker", map[string]any{"openinference.span.kind": "RERANKER"}, nil, classRetriever},
		{"OI tool", map[string]any{"openinference.span.kind": "TOOL"}, nil, classTool},
		{"OI agent", map[string]any{"openinference.span.kind": "AGENT"}, nil, classAgent},
		{"OI chain with model and usage", map[string]any{"openinference.span.kind": "CHAIN", "llm.model_name": "m", "llm.token_count.prompt": 3}, nil, classOther},
		{"OI guardrail", map[string]any{"openinference.span.kind": "GUARDRAIL"}, nil, classOther},
		{"OI unknown kind falls through", map[string]any{"openinference.span.kind": "SOMETHING", "llm.model_name": "m", "llm.input_messages.0.message.role": "user"}, nil, classLLM},

		// C3: the Vercel AI SDK's provider calls, not their wrappers.
		{"doGenerate", map[string]any{"ai.operationId": "ai.generateText.doGenerate", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, nil, classLLM},
		{"doStream by operation.name", map[string]any{"operation.name": "ai.streamText.doStream my-fn"}, nil, classLLM},
		{"generateObject doGenerate", map[string]any{"ai.operationId": "ai.generateObject.doGenerate"}, nil, classLLM},
		{"streamObject doStream", map[string]any{"ai.operationId": "ai.streamObject.doStream"}, nil, classLLM},
		{"generateText wrapper with model and usage", map[string]any{"ai.operationId": "ai.generateText", "ai.model.id": "m", "ai.usage.promptTokens": 1}, nil, classOther},
		{"streamText wrapper by operation.name", map[string]any{"operation.name": "ai.streamText my-fn", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, nil, classOther},
		{"doEmbed", map[string]any{"ai.operationId": "ai.embedMany.doEmbed"}, nil, classEmbedding},
		{"toolCall", map[string]any{"ai.operationId": "ai.toolCall"}, nil, classTool},

		// C4: OpenLLMetry.
		{"llm.request.type chat", map[string]any{"llm.request.type": "chat"}, nil, classLLM},
		{"llm.request.type completion", map[string]any{"llm.request.type": "completion"}, nil, classLLM},
		{"llm.request.type embedding", map[string]any{"llm.request.type": "embedding"}, nil, classEmbedding},
		{"llm.request.type rerank", map[string]any{"llm.request.type": "rerank"}, nil, classOther},
		{"vector db with results", map[string]any{"db.system": "chroma"}, []string{"db.query.result"}, classRetriever},
		{"vector db without results", map[string]any{"db.system": "chroma"}, nil, classOther},
		{"traceloop workflow", map[string]any{"traceloop.span.kind": "workflow", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 1}, nil, classOther},
		{"traceloop task", map[string]any{"traceloop.span.kind": "task"}, nil, classOther},
		{"traceloop agent", map[string]any{"traceloop.span.kind": "agent"}, nil, classAgent},
		{"traceloop tool", map[string]any{"traceloop.span.kind": "tool"}, nil, classTool},
		{"LangChain retriever task", map[string]any{"traceloop.span.kind": "task", "gen_ai.operation.name": "vector_db_retrieve"}, nil, classRetriever},

		// C5 evidence of the other conventions.
		{"no op, indexed prompt", map[string]any{"gen_ai.request.model": "m", "gen_ai.prompt.0.content": "hi"}, nil, classLLM},
		{"no op, prompt name is no evidence", map[string]any{"gen_ai.request.model": "m", "gen_ai.prompt.name": "p"}, nil, classOther},
		{"no op, OI model and token count", map[string]any{"llm.model_name": "m", "llm.token_count.total": 3}, nil, classLLM},
		{"redacted model", map[string]any{"gen_ai.request.model": "__REDACTED__", "gen_ai.usage.input_tokens": 1}, nil, classOther},
		{"nothing", nil, nil, classOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			putAttrs(t, span.Attributes(), tt.attrs)
			for _, name := range tt.events {
				span.Events().AppendEmpty().SetName(name)
			}
			assert.Equal(t, tt.want, classify(span))
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

package translate // import "github.com/athina-otel/athinaexporter/translate"

import "encoding/json"

// Record is one Athina inference log: the JSON object POSTed to
// /api/v{1,2}/log/inference. Optional fields are omitted when the span
// could not fill them, so the API applies its own defaults.
type Record struct {
	LanguageModelID     string        `json:"language_model_id"`
	Prompt              []Message     `json:"prompt"`
	Response            string        `json:"response"`
	UserQuery           string        `json:"user_query,omitempty"`
	Context             string        `json:"context,omitempty"`
	ResponseTime        int64         `json:"response_time"`
	StatusCode          int           `json:"status_code,omitempty"`
	Error               string        `json:"error,omitempty"`
	PromptTokens        *int64        `json:"prompt_tokens,omitempty"`
	CompletionTokens    *int64        `json:"completion_tokens,omitempty"`
	TotalTokens         *int64        `json:"total_tokens,omitempty"`
	Cost                *float64      `json:"cost,omitempty"`
	PromptSlug          string        `json:"prompt_slug,omitempty"`
	Environment         string        `json:"environment,omitempty"`
	CustomerID          string        `json:"customer_id,omitempty"`
	CustomerUserID      string        `json:"customer_user_id,omitempty"`
	SessionID           string        `json:"session_id,omitempty"`
	ExternalReferenceID string        `json:"external_reference_id,omitempty"`
	Tags                []string      `json:"tags,omitempty"`
	Tools               []Tool        `json:"tools,omitempty"`
	ToolCalls           []ToolCall    `json:"tool_calls,omitempty"`
	ModelOptions        *ModelOptions `json:"model_options,omitempty"`
	CustomAttributes    Attributes    `json:"custom_attributes,omitempty"`
}

// Message is one chat message in OpenAI format.
type Message struct {
	Role string `json:"role"`
	// Content is a JSON string, a JSON array of OpenAI content parts, or
	// null (an assistant message that only calls tools).
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`

	// built marks Content that this package wrote, which AppendJSON copies
	// without reading it through again.
	built builtMark
}

// withBuilt returns m with content c, which this package wrote: a JSON
// string it escaped or checked, or content parts it assembled.
func (m Message) withBuilt(c json.RawMessage) Message {
	m.Content = c
	m.built.set(c)
	return m
}

// builtMark remembers JSON this package wrote, valid and compact, by where
// it starts and its length: content set since is another slice, and is
// validated as any other would be.
type builtMark struct {
	start *byte
	n     int
}

func (b *builtMark) set(c []byte) {
	if len(c) > 0 {
		b.start, b.n = &c[0], len(c)
	}
}

// is reports whether c is the JSON that set marked.
func (b builtMark) is(c []byte) bool { return len(c) > 0 && len(c) == b.n && &c[0] == b.start }

// ToolCall is an OpenAI tool call: the model asking for a function.
type ToolCall struct {
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type"`
	Function FunctionCall `json:"function"`
}

// FunctionCall names the function and carries its arguments as JSON text.
type FunctionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Tool is an OpenAI tool definition offered to the model.
type Tool struct {
	Type     string       `json:"type"`
	Function FunctionSpec `json:"function"`
}

// FunctionSpec describes a callable function; Parameters is a JSON Schema.
type FunctionSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// ModelOptions are the request parameters the call was made with.
type ModelOptions struct {
	Temperature         *float64   `json:"temperature,omitempty"`
	MaxCompletionTokens *int64     `json:"max_completion_tokens,omitempty"`
	Stop                []string   `json:"stop,omitempty"`
	TopP                *float64   `json:"top_p,omitempty"`
	ExtraOptions        Attributes `json:"extra_options,omitempty"`
}

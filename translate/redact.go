package translate

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Names of the record fields an SRE can redact (config key redact.fields).
const (
	RedactPrompt        = "prompt"         // prompt message contents, user_query, prompt template and variables
	RedactResponse      = "response"       // the response text
	RedactContext       = "context"        // the RAG context
	RedactToolArguments = "tool_arguments" // the arguments of tool calls, in tool_calls and in prompt messages
)

// RedactableFields lists the names redact.fields accepts, in documented order.
var RedactableFields = []string{RedactPrompt, RedactResponse, RedactContext, RedactToolArguments}

// Redacted replaces redacted content. The record keeps its shape (the API
// wants prompt as an array of messages and response as a string), so a reader
// in Athina sees where content was and that it was withheld on purpose.
const Redacted = "[REDACTED]"

// redactedFieldsKey is the custom attribute listing what was redacted.
const redactedFieldsKey = "redacted_fields"

// redactedContent is Redacted as message content: a JSON string.
var redactedContent = json.RawMessage(`"` + Redacted + `"`)

// Redaction removes content from records before they leave the collector.
// The zero value redacts nothing.
type Redaction struct {
	Prompt, Response, Context, ToolArguments bool
	// CustomAttributes are custom_attributes keys to delete.
	CustomAttributes []string
}

// NewRedaction builds a Redaction from the names in RedactableFields and
// custom attribute keys. It fails on an unknown field name.
func NewRedaction(fields, customAttributes []string) (Redaction, error) {
	r := Redaction{CustomAttributes: slices.Clone(customAttributes)}
	for i, f := range fields {
		switch f {
		case RedactPrompt:
			r.Prompt = true
		case RedactResponse:
			r.Response = true
		case RedactContext:
			r.Context = true
		case RedactToolArguments:
			r.ToolArguments = true
		default:
			return Redaction{}, fmt.Errorf("fields[%d]: unknown field %q, must be one of %v", i, f, RedactableFields)
		}
	}
	return r, nil
}

// IsZero reports whether r redacts nothing.
func (r Redaction) IsZero() bool {
	return !r.Prompt && !r.Response && !r.Context && !r.ToolArguments && len(r.CustomAttributes) == 0
}

// Apply redacts rec in place and lists under custom_attributes.redacted_fields
// each field that had content to redact ("custom_attributes.<key>" for a
// deleted custom attribute). Fields that were empty are left alone and not
// listed, so the list says what was actually withheld.
func (r Redaction) Apply(rec *Record) {
	if r.IsZero() {
		return
	}
	var done []string

	if r.Prompt && redactPrompt(rec) {
		done = append(done, RedactPrompt)
	}
	if r.Response && rec.Response != "" {
		rec.Response = Redacted
		done = append(done, RedactResponse)
	}
	if r.Context && rec.Context != "" {
		rec.Context = Redacted
		done = append(done, RedactContext)
	}
	if r.ToolArguments && redactToolArguments(rec) {
		done = append(done, RedactToolArguments)
	}
	for _, key := range r.CustomAttributes {
		if rec.CustomAttributes.Delete(key) {
			done = append(done, "custom_attributes."+key)
		}
	}

	if len(done) > 0 {
		rec.CustomAttributes.Set(redactedFieldsKey, done)
	}
}

// promptCustomAttributes are the custom attributes that hold prompt content
// (OpenLLMetry and OpenInference prompt templates and their variables).
var promptCustomAttributes = []string{"prompt_template", "prompt_variables"}

// redactPrompt replaces the content of every prompt message that has some
// (a tool-calling assistant message may have null content) and the
// user_query derived from it, and deletes the prompt template attributes.
// It reports whether anything was redacted.
func redactPrompt(rec *Record) bool {
	redacted := false
	for i := range rec.Prompt {
		if hasContent(rec.Prompt[i].Content) {
			rec.Prompt[i].Content = redactedContent
			redacted = true
		}
	}
	if rec.UserQuery != "" {
		rec.UserQuery = Redacted
		redacted = true
	}
	for _, key := range promptCustomAttributes {
		if rec.CustomAttributes.Delete(key) {
			redacted = true
		}
	}
	return redacted
}

// redactToolArguments replaces the arguments of the response's tool calls
// and of the tool calls in prompt messages (earlier turns of the
// conversation).
func redactToolArguments(rec *Record) bool {
	redacted := redactCalls(rec.ToolCalls)
	for i := range rec.Prompt {
		redacted = redactCalls(rec.Prompt[i].ToolCalls) || redacted
	}
	return redacted
}

func redactCalls(calls []ToolCall) bool {
	redacted := false
	for i := range calls {
		if calls[i].Function.Arguments != "" {
			calls[i].Function.Arguments = Redacted
			redacted = true
		}
	}
	return redacted
}

// hasContent reports whether message content is neither absent, null nor
// an empty string.
func hasContent(c json.RawMessage) bool {
	switch string(c) {
	case "", "null", `""`:
		return false
	}
	return true
}

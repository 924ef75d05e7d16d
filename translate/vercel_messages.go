package translate

import (
	"encoding/json"
	"errors"
	"strings"
)

// vercelPart is a content part, a tool call of ai.response.toolCalls, or a
// tool result. Fields renamed across versions are both here: args (v4) /
// input (v5+) of a tool call, result (v4) / output (v5+) of a tool result,
// mimeType (v4) / mediaType (v5+). Text and textLit are one field, read
// by readTextLit (see part.Content).
type vercelPart struct {
	Type       anyText      `json:"type"`
	Text       anyText      `json:"text"`
	Image      anyText      `json:"image"`
	Data       anyText      `json:"data"`
	MimeType   anyText      `json:"mimeType"`
	MediaType  anyText      `json:"mediaType"`
	Filename   anyText      `json:"filename"`
	ToolCallID anyText      `json:"toolCallId"`
	ToolName   anyText      `json:"toolName"`
	Args       anyText      `json:"args"`
	Input      anyText      `json:"input"`
	Result     anyText      `json:"result"`
	Output     vercelOutput `json:"output"`

	textLit string
}

// text returns the part's text.
func (p *vercelPart) text() anyText { return textOf(p.Text, p.textLit) }

// vercelOutput is a v5+ tool result: {type: text|json|error-text|
// error-json|content, value}. It is held in the part, not behind a
// pointer (an allocation per tool result), and set says whether a pointer
// would be non-nil: the output was there and not null.
type vercelOutput struct {
	Type  anyText   `json:"type"`
	Value jsonValue `json:"value"`
	set   bool
}

// UnmarshalJSON implements json.Unmarshaler as json.Unmarshal decodes into
// a *vercelOutput: null clears it, any other value sets it, an object's
// fields are decoded into it and a value of another type leaves them.
func (o *vercelOutput) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*o = vercelOutput{}
		return nil
	}
	o.set = true
	type fields vercelOutput // without this method
	if !decodeJSON(data, (*fields)(o)) {
		return errors.New("translate: invalid tool output")
	}
	return nil
}

// vercelPrompt converts ai.prompt.messages to OpenAI messages (spec S.6),
// each while it is decoded. Text that is no message list becomes one user
// message.
func vercelPrompt(s string) []Message {
	data := contentJSON(s)
	if len(data) == 0 || data[0] != '[' {
		return userMessages([]string{s})
	}
	sc := takeListScratch(data)
	defer sc.release()
	r, parts := &sc.r, &sc.vercelParts
	// Sized as promptOfList sizes a prompt; parts are decoded into again
	// for each message.
	out := make([]Message, 0, min(len(data)/128+2, 64))
	for more := r.enterArray(); more; more = r.nextElement() {
		role, content, listed := readVercelMessage(r, parts)
		out = appendVercel(out, role, content, listed, parts)
	}
	if !r.atEnd() {
		return userMessages([]string{s})
	}
	return out
}

var vercelMessageFields = []string{"role", "content"}

// readVercelMessage reads one message of ai.prompt.messages, the AI SDK's
// own format, not OpenAI's: {role, content}, content a string or a list of
// parts. It decodes as json.Unmarshal would into {Role anyText
// `json:"role"`; Content json.RawMessage `json:"content"`}, and returns
// the content as JSON text that shares memory with the attribute. A list
// of parts in valid UTF-8 is also decoded into *parts on the way (listed),
// which saves a reader and a second pass for each message.
func readVercelMessage(r *jsonReader[string], parts *[]vercelPart) (role anyText, content string, listed bool) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, vercelMessageFields) {
		case "role":
			readText(r, &role)
		case "content":
			if r.peek() != '[' {
				content, listed = r.skipValue(), false
				continue
			}
			start := r.pos
			clear((*parts)[:cap(*parts)])
			readSlice(r, parts, readVercelPart[string])
			content = r.data[start:r.pos]
			// Invalid UTF-8 is repaired in the text before decoding
			// (rawJSONText), which appendVercel does from content.
			listed = validUTF8(content)
		default:
			r.skipValue()
		}
	}
	return role, content, listed
}

// vercelCallPrompt reads the wrapper's ai.prompt, {system?, prompt?,
// messages?}: the prompt of the whole call when no provider-call prompt
// was recorded.
func vercelCallPrompt(s, system string) ([]Message, string) {
	var p struct {
		System   anyText         `json:"system"`
		Prompt   json.RawMessage `json:"prompt"`
		Messages json.RawMessage `json:"messages"`
	}
	data := contentJSON(s)
	if len(data) == 0 || data[0] != '{' || !decodeJSON([]byte(data), &p) {
		return userMessages([]string{s}), system
	}
	if system == "" {
		system = string(p.System)
	}
	switch {
	case len(p.Messages) > 0 && p.Messages[0] == '[':
		return vercelPrompt(string(p.Messages)), system
	case len(p.Prompt) > 0 && p.Prompt[0] == '[':
		return vercelPrompt(string(p.Prompt)), system
	case len(p.Prompt) > 0 && p.Prompt[0] == '"':
		text, _ := unquote([]byte(p.Prompt))
		return userMessages([]string{text}), system
	}
	return nil, system
}

// appendVercel converts one message. Tool results become tool messages:
// after the assistant message that made them (provider-executed tools),
// before any other. The parts are in *scratch when listed, else decoded
// into it from content; the messages keep no reference to its array.
func appendVercel(out []Message, rawRole anyText, content string, listed bool, scratch *[]vercelPart) []Message {
	role := normalizeRole(string(rawRole), "user")
	parts := *scratch
	if !listed {
		raw := rawJSONText(content)
		if len(raw) == 0 {
			return out
		}
		if raw[0] != '[' {
			return append(out, Message{Role: role, Content: openAIContent(json.RawMessage(raw))})
		}
		clear((*scratch)[:cap(*scratch)])
		parts = (*scratch)[:0]
		if !decodeWire(raw, &parts, readVercelParts) {
			return append(out, Message{Role: role}.withBuilt(jsonString(raw)))
		}
		*scratch = parts
	}

	var (
		texts   int
		text    *vercelPart // the last text part
		media   int
		calls   []ToolCall
		results []Message
	)
	for i := range parts {
		p := &parts[i]
		switch p.Type {
		case "text":
			texts++
			text = p
		case "image", "file":
			media++
		case "tool-call":
			calls = append(calls, ToolCall{
				ID:       string(p.ToolCallID),
				Type:     "function",
				Function: FunctionCall{Name: string(p.ToolName), Arguments: arguments(firstText(p.Input, p.Args))},
			})
		case "tool-result":
			result := Message{Role: "tool", ToolCallID: string(p.ToolCallID)}.withBuilt(jsonTextString(p.resultText()))
			if role == "assistant" {
				results = append(results, result)
			} else {
				out = append(out, result) // before the message, as a list of its own would go
			}
		}
	}
	if texts > 0 || media > 0 || calls != nil {
		msg := Message{Role: role, ToolCalls: calls}
		if media > 0 {
			msg = msg.withBuilt(vercelContentParts(parts))
		} else if texts == 1 && text.textLit != "" {
			msg = msg.withBuilt(literalContent(text.textLit))
		} else if texts > 0 {
			msg = msg.withBuilt(jsonString(joinVercelText(parts, texts)))
		}
		out = append(out, msg)
	}
	if role == "assistant" {
		out = append(out, results...)
	}
	return out
}

// joinVercelText joins the text of the text parts with "\n".
func joinVercelText(parts []vercelPart, texts int) string {
	if texts == 1 {
		for i := range parts {
			if parts[i].Type == "text" {
				return string(parts[i].text())
			}
		}
	}
	var b strings.Builder
	for i := range parts {
		if parts[i].Type != "text" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(string(parts[i].text()))
	}
	return b.String()
}

// resultText is a tool result as message content: text as it is, JSON
// values as their JSON text, the text parts of a content result.
func (p *vercelPart) resultText() string {
	if !p.Output.set {
		return string(p.Result)
	}
	value := rawJSONText(string(p.Output.Value))
	switch p.Output.Type {
	case "text", "error-text":
		if len(value) > 0 && value[0] == '"' {
			s, _ := unquote(value)
			return s
		}
	case "content":
		if s := contentText(json.RawMessage(value)); s != "" {
			return s
		}
	}
	return value
}

// vercelContentParts builds an OpenAI content-part array from text, image
// and file parts, in their order.
func vercelContentParts(parts []vercelPart) json.RawMessage {
	b := []byte{'['}
	n := 0
	for i := range parts {
		p := &parts[i]
		mediaType := string(firstText(p.MediaType, p.MimeType))
		switch {
		case p.Type == "text":
			b = appendSep(b, &n)
			b = append(b, `{"type":"text","text":`...)
			if p.textLit != "" {
				b = append(b, p.textLit...)
			} else {
				b = appendJSONString(b, string(p.Text))
			}
		case p.Type == "image" || (p.Type == "file" && strings.HasPrefix(mediaType, "image/")):
			b = appendSep(b, &n)
			b = append(b, `{"type":"image_url","image_url":{"url":`...)
			b = appendJSONString(b, dataURL(string(firstText(p.Image, p.Data)), mediaType, "image/*"))
			b = append(b, '}')
		case p.Type == "file":
			b = appendSep(b, &n)
			b = append(b, `{"type":"file","file":{`...)
			if p.Filename != "" {
				b = append(b, `"filename":`...)
				b = appendJSONString(b, string(p.Filename))
				b = append(b, ',')
			}
			b = append(b, `"file_data":`...)
			b = appendJSONString(b, dataURL(string(p.Data), mediaType, "application/octet-stream"))
			b = append(b, '}')
		default:
			continue
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// dataURL returns a URL for media given as a URL or as base64 data.
func dataURL(data, mediaType, fallback string) string {
	if strings.HasPrefix(data, "data:") || strings.HasPrefix(data, "http://") || strings.HasPrefix(data, "https://") {
		return data
	}
	if mediaType == "" {
		mediaType = fallback
	}
	return "data:" + mediaType + ";base64," + data
}

// vercelToolCalls reads ai.response.toolCalls: v4 {toolCallType,
// toolCallId, toolName, args: JSON text}, v5+ {type:"tool-call",
// toolCallId, toolName, input: object}.
func vercelToolCalls(s string) []ToolCall {
	data := contentJSON(s)
	var parts []vercelPart
	if len(data) == 0 || data[0] != '[' || !decodeWire(data, &parts, readVercelParts) {
		return nil
	}
	var calls []ToolCall
	for i := range parts {
		p := &parts[i]
		if p.ToolName == "" {
			continue
		}
		calls = append(calls, ToolCall{
			ID:       string(p.ToolCallID),
			Type:     "function",
			Function: FunctionCall{Name: string(p.ToolName), Arguments: arguments(firstText(p.Input, p.Args))},
		})
	}
	return calls
}

// vercelToolChoice maps ai.prompt.toolChoice to OpenAI's tool_choice:
// {type:"auto"|"none"|"required"} → the string, {type:"tool", toolName} →
// {type:"function", function:{name}}.
func vercelToolChoice(s string) any {
	if s == "" {
		return nil
	}
	data := contentJSON(s)
	if len(data) == 0 {
		return nil
	}
	var c vercelChoice
	if data[0] != '{' || !decodeWire(data, &c, readVercelChoice) {
		return data
	}
	if c.Type == "tool" && c.ToolName != "" {
		return map[string]any{"type": "function", "function": map[string]any{"name": string(c.ToolName)}}
	}
	if c.Type == "" {
		return nil
	}
	return string(c.Type)
}

package translate

import (
	"encoding/json"
	"strings"
)

// This file turns the messages producers write (wireMessage, read in
// messages.go) into the OpenAI format records carry (spec S.5, S.6).

// normalizeRole maps a producer's role to an OpenAI role (spec S.5); an
// empty role becomes def. Unknown roles are kept as they are.
func normalizeRole(role, def string) string {
	switch role {
	case "system", "user", "assistant", "tool", "developer":
		return role
	case "":
		return def
	}
	switch strings.ToLower(role) {
	case "system":
		return "system"
	case "developer":
		return "developer"
	case "user", "human":
		return "user"
	case "assistant", "ai", "model", "bot":
		return "assistant"
	case "tool", "function":
		return "tool"
	}
	return role
}

// promptOf converts decoded messages, or text that was no message list, to
// the prompt. Text becomes one user message.
func promptOf(msgs []wireMessage, text string) []Message {
	if text != "" {
		return []Message{Message{Role: "user"}.withBuilt(jsonString(text))}
	}
	if len(msgs) == 0 {
		return nil
	}
	prompt := make([]Message, 0, len(msgs)+1) // room for system instructions
	for i := range msgs {
		prompt = appendOpenAI(prompt, &msgs[i], "user")
	}
	return prompt
}

// appendOpenAI converts m to OpenAI messages (spec S.6) and appends them to
// out. def is the role used when m names none. A message that carries
// nothing (only reasoning, say) adds nothing.
func appendOpenAI(out []Message, m *wireMessage, def string) []Message {
	m = m.choice()
	role := normalizeRole(string(m.Role), def)
	if len(m.Parts) > 0 {
		return appendParts(out, role, m)
	}

	// Content this package wrote is a JSON string or an array of content
	// parts in valid UTF-8, which openAIContent would keep as it is after
	// reading it through.
	built := m.built.is(m.Content)
	content := m.Content
	if !built {
		content = openAIContent(content)
	}
	calls := toolCalls(m.ToolCalls)
	if content == nil && calls == nil {
		return out
	}
	msg := Message{Role: role, Content: content, Name: string(m.Name), ToolCalls: calls}
	if built {
		msg.built = m.built
	}
	if role == "tool" {
		msg.ToolCallID = string(firstText(m.ToolCallID, m.ID))
	}
	return append(out, msg)
}

// openAIContent keeps OpenAI content that is a string or an array of
// content parts; other JSON becomes its text as a string.
func openAIContent(raw json.RawMessage) json.RawMessage {
	raw = rawJSON(raw)
	if raw == nil || raw[0] == '"' || raw[0] == '[' {
		return raw
	}
	return jsonString(string(raw))
}

func toolCalls(in []wireToolCall) []ToolCall {
	if len(in) == 0 {
		return nil
	}
	out := make([]ToolCall, 0, len(in))
	for i := range in {
		c := &in[i]
		if c.Function.Name == "" {
			continue
		}
		out = append(out, ToolCall{
			ID:       string(c.ID),
			Type:     "function",
			Function: FunctionCall{Name: string(c.Function.Name), Arguments: arguments(c.Function.Arguments)},
		})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// arguments returns tool-call arguments as JSON text; none is "{}".
func arguments(a anyText) string {
	if a == "" {
		return "{}"
	}
	return string(a)
}

// appendParts converts a GenAI parts message. Tool results become their own
// tool messages, placed first because OpenAI wants them right after the
// assistant turn that called the tools. Text parts are joined with "\n";
// with an image or file present, content is an array of content parts.
func appendParts(out []Message, role string, m *wireMessage) []Message {
	var (
		calls        []ToolCall
		texts, media int
	)
	for i := range m.Parts {
		p := &m.Parts[i]
		switch partKind(p) {
		case kindText:
			texts++
		case kindImage, kindFile:
			media++
		case kindToolCall:
			calls = append(calls, ToolCall{
				ID:       string(firstText(p.ID, p.ToolCallID)),
				Type:     "function",
				Function: FunctionCall{Name: string(p.Name), Arguments: arguments(p.Arguments)},
			})
		case kindToolResult:
			result := Message{Role: "tool", ToolCallID: string(firstText(p.ID, p.ToolCallID))}
			out = append(out, result.withBuilt(jsonString(string(firstText(p.Response, p.Result, p.Output)))))
		}
	}
	if texts == 0 && media == 0 && calls == nil {
		return out
	}

	msg := Message{Role: role, Name: string(m.Name), ToolCalls: calls}
	if role == "tool" {
		msg.ToolCallID = string(firstText(m.ToolCallID, m.ID))
	}
	switch {
	case media > 0:
		msg = msg.withBuilt(contentParts(m.Parts))
	case texts > 0:
		msg = msg.withBuilt(textContent(m.Parts, texts))
	}
	return append(out, msg)
}

// textContent returns the text parts joined with "\n" as a JSON string:
// the one text part's literal as it is when it came canonical.
func textContent(parts []part, texts int) json.RawMessage {
	if texts == 1 {
		for i := range parts {
			if p := &parts[i]; partKind(p) == kindText && p.contentLit != "" {
				return literalContent(p.contentLit)
			}
		}
	}
	return jsonString(joinText(parts))
}

type partKindT uint8

const (
	kindOther partKindT = iota
	kindText
	kindImage
	kindFile
	kindToolCall
	kindToolResult
)

// partKind classifies a part. Reasoning, server-side tool parts, non-image
// media and unknown types are kindOther and dropped: OpenAI messages have
// no place for them.
func partKind(p *part) partKindT {
	switch p.Type {
	case "text":
		return kindText
	case "", "input_text", "output_text":
		if p.hasContent() {
			return kindText
		}
	case "tool_call":
		if p.Name != "" {
			return kindToolCall
		}
	case "tool_call_response", "tool_result":
		return kindToolResult
	case "blob", "uri":
		if isImage(p) && (p.hasContent() || p.Data != "" || p.URI != "") {
			return kindImage
		}
	case "file":
		if p.FileID != "" {
			return kindFile
		}
	}
	return kindOther
}

func isImage(p *part) bool {
	switch p.Modality {
	case "image":
		return true
	case "":
		return p.MimeType == "" || strings.HasPrefix(string(p.MimeType), "image/")
	}
	return false
}

// joinText joins the text parts with "\n". The text of a single text
// part, the common case, is returned as it is.
func joinText(parts []part) string {
	var (
		b     strings.Builder
		first string
		n     int
	)
	for i := range parts {
		if partKind(&parts[i]) != kindText {
			continue
		}
		switch n++; n {
		case 1:
			first = string(parts[i].text())
			continue
		case 2:
			b.WriteString(first)
		}
		b.WriteByte('\n')
		b.WriteString(string(parts[i].text()))
	}
	if n <= 1 {
		return first
	}
	return b.String()
}

// contentParts builds an OpenAI content-part array from text, image and file
// parts, in their order.
func contentParts(parts []part) json.RawMessage {
	b := []byte{'['}
	n := 0
	for i := range parts {
		p := &parts[i]
		kind := partKind(p)
		if kind != kindText && kind != kindImage && kind != kindFile {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		switch kind {
		case kindText:
			b = append(b, `{"type":"text","text":`...)
			if p.contentLit != "" {
				b = append(b, p.contentLit...)
			} else {
				b = appendJSONString(b, string(p.Content))
			}
		case kindImage:
			b = append(b, `{"type":"image_url","image_url":{"url":`...)
			b = appendJSONString(b, imageURL(p))
			b = append(b, '}')
		case kindFile:
			b = append(b, `{"type":"file","file":{"file_id":`...)
			b = appendJSONString(b, string(p.FileID))
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func imageURL(p *part) string {
	if p.Type == "uri" || p.URI != "" {
		return string(p.URI)
	}
	mime := string(p.MimeType)
	if mime == "" {
		mime = "application/octet-stream"
	}
	return "data:" + mime + ";base64," + string(firstText(p.text(), p.Data))
}

// responseOf returns the response text of an output message (text parts
// joined with "\n", or OpenAI content) and its tool calls.
func responseOf(m *wireMessage) (text string, calls []ToolCall) {
	m = m.choice()
	if len(m.Parts) > 0 {
		for i := range m.Parts {
			p := &m.Parts[i]
			if partKind(p) == kindToolCall {
				calls = append(calls, ToolCall{
					ID:       string(firstText(p.ID, p.ToolCallID)),
					Type:     "function",
					Function: FunctionCall{Name: string(p.Name), Arguments: arguments(p.Arguments)},
				})
			}
		}
		return joinText(m.Parts), calls
	}
	if s, ok := m.built.text(m.Content); ok {
		return s, toolCalls(m.ToolCalls)
	}
	return contentText(rawJSON(m.Content)), toolCalls(m.ToolCalls)
}

// contentText returns the text of OpenAI content: a string as it is, the
// text parts of an array joined with "\n", other JSON as its text.
func contentText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		if s, err := unquote([]byte(raw)); err == nil {
			return s
		}
	case '[':
		var parts []textPart
		if !decodeWire([]byte(raw), &parts, readTextParts) {
			break
		}
		var b strings.Builder
		n := 0
		for _, p := range parts {
			t := firstText(p.Text, p.Content)
			if (p.Type != "text" && p.Type != "") || t == "" {
				continue
			}
			if n > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(string(t))
			n++
		}
		return b.String()
	}
	return string(raw)
}

// textPart is what contentText reads of an OpenAI content part.
type textPart struct {
	Type    anyText `json:"type"`
	Text    anyText `json:"text"`
	Content anyText `json:"content"`
}

func firstText(texts ...anyText) anyText {
	for _, t := range texts {
		if t != "" {
			return t
		}
	}
	return ""
}

// userMessages makes one user message of each non-empty text.
func userMessages(texts []string) []Message {
	var out []Message
	for _, t := range texts {
		if t != "" {
			out = append(out, Message{Role: "user"}.withBuilt(jsonString(t)))
		}
	}
	return out
}

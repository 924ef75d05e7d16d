package translate

import (
	"encoding/json"
	"iter"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// wireMessage is one chat message the way producers write it, decoded from
// JSON or read from a structured attribute value. It covers three shapes:
// a GenAI ChatMessage (role + parts), an OpenAI message (role + content +
// tool_calls) and a legacy gen_ai.*.message event body (content + id). A
// gen_ai.choice body wraps the message in "message". Fields of the wrong
// JSON type stay empty.
type wireMessage struct {
	Role         anyText         `json:"role"`
	Name         anyText         `json:"name"`
	Parts        []part          `json:"parts"`
	Content      json.RawMessage `json:"content"`
	ToolCalls    []wireToolCall  `json:"tool_calls"`
	ToolCallID   anyText         `json:"tool_call_id"`
	ID           anyText         `json:"id"`
	FinishReason anyText         `json:"finish_reason"`
	Message      *wireMessage    `json:"message"`

	built builtMark // Content this package wrote (see Message.built)
}

// builtText returns a message whose content is text.
func builtText(text string) wireMessage {
	var m wireMessage
	m.setText(text)
	return m
}

// setText makes text, as a JSON string, m's content.
func (m *wireMessage) setText(text string) {
	m.Content = jsonString(text)
	m.built.set(m.Content)
}

// setTextIn is setText writing the JSON string into arena, or into an
// array of its own when arena is nil.
func (m *wireMessage) setTextIn(arena *textArena, text string) {
	if arena == nil {
		m.setText(text)
		return
	}
	m.Content = arena.jsonString(text)
	m.built.set(m.Content)
}

// part is one GenAI message part (spec A.5). Response, Result and Output
// are the three spellings producers use for a tool result; ToolCallID and
// Output come from the {type:"tool_result"} variant, Data from older blob
// producers.
//
// Content and contentLit are one field, read by readTextLit: when the
// content came as a canonical JSON string literal, contentLit holds it and
// Content may be left undecoded. Read it with text and hasContent.
type part struct {
	Type       anyText `json:"type"`
	Content    anyText `json:"content"`
	Data       anyText `json:"data"`
	ID         anyText `json:"id"`
	ToolCallID anyText `json:"toolCallId"`
	Name       anyText `json:"name"`
	Arguments  anyText `json:"arguments"`
	Response   anyText `json:"response"`
	Result     anyText `json:"result"`
	Output     anyText `json:"output"`
	Modality   anyText `json:"modality"`
	MimeType   anyText `json:"mime_type"`
	URI        anyText `json:"uri"`
	FileID     anyText `json:"file_id"`

	contentLit string
}

// text returns the part's content as text.
func (p *part) text() anyText { return textOf(p.Content, p.contentLit) }

// hasContent reports whether the part's content is not empty.
func (p *part) hasContent() bool { return textNotEmpty(p.Content, p.contentLit) }

// wireToolCall is an OpenAI tool call as found in legacy events and
// OpenAI-shaped messages.
type wireToolCall struct {
	ID       anyText `json:"id"`
	Type     anyText `json:"type"`
	Function struct {
		Name      anyText `json:"name"`
		Arguments anyText `json:"arguments"`
	} `json:"function"`
}

// choice returns the message a gen_ai.choice body wraps, or m itself. The
// finish reason of the wrapper is kept when the message has none.
func (m *wireMessage) choice() *wireMessage {
	if m.Message == nil {
		return m
	}
	if m.Message.FinishReason == "" {
		m.Message.FinishReason = m.FinishReason
	}
	return m.Message
}

// readMessages reads a message-list attribute, given as a JSON string
// (possibly double-encoded) or a structured array or kvlist. When the value
// is not a message list — plain text, or malformed JSON — text holds it
// instead, to be kept as a single message.
func readMessages(v pcommon.Value) (msgs []wireMessage, text string) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return decodeMessages(str(v))
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		msgs = make([]wireMessage, 0, sl.Len())
		for i := 0; i < sl.Len(); i++ {
			item := sl.At(i)
			switch item.Type() {
			case pcommon.ValueTypeMap:
				msgs = append(msgs, messageFromMap(item.Map(), nil))
			case pcommon.ValueTypeStr:
				inner, t := decodeMessages(item.Str())
				msgs = append(msgs, inner...)
				if t != "" {
					msgs = append(msgs, builtText(t))
				}
			}
		}
		return msgs, ""
	case pcommon.ValueTypeMap:
		return []wireMessage{messageFromMap(v.Map(), nil)}, ""
	}
	return nil, str(v)
}

// readPrompt reads a message-list attribute into the prompt, as
// promptOf(readMessages(v)) does, except that a JSON list is converted
// while it is decoded, one message at a time: a long conversation costs no
// list of decoded messages.
func readPrompt(v pcommon.Value) []Message {
	if v.Type() != pcommon.ValueTypeStr {
		return promptOf(readMessages(v))
	}
	s := str(v)
	if data := contentJSON(s); data != "" && data[0] == '[' {
		if prompt, ok := promptOfList(data); ok {
			return prompt
		}
		return promptOf(nil, s) // malformed JSON is kept as text
	}
	return promptOf(decodeMessages(s))
}

// promptOfList converts the JSON message list data to the prompt; ok is
// false when data is no JSON. A list with elements gives a non-nil prompt,
// even when no element is a message, as promptOf does.
func promptOfList(data string) (prompt []Message, ok bool) {
	sc := takeListScratch(data)
	defer sc.release()
	for m := range sc.messages() {
		if prompt == nil {
			// Guessed from the size (messages take well over 128 bytes
			// of JSON each), which saves growing the prompt of a long
			// conversation several times without a pass over the text
			// to count them; past 64, append grows it.
			prompt = make([]Message, 0, min(len(data)/128+2, 64))
		}
		prompt = appendOpenAI(prompt, m, "user")
	}
	if !sc.r.atEnd() {
		return nil, false
	}
	return prompt, true
}

// outputOfList reads the JSON output message list data as outputOf reads
// what decodeMessages(data) returns, one message at a time. ok is false
// when data is no JSON, and out is then empty.
func outputOfList(data string, reasons bool) (out output, ok bool) {
	sc := takeListScratch(data)
	defer sc.release()
	for m := range sc.messages() {
		if !out.message {
			out.message = true
			out.response, out.calls = responseOf(m)
		}
		if reasons {
			out.addReason(string(m.choice().FinishReason))
		}
	}
	if !sc.r.atEnd() {
		return output{}, false
	}
	return out, true
}

// output is what an output message list gives the record.
type output struct {
	message  bool // response and calls are the first message's
	response string
	calls    []ToolCall
	first    string   // the first finish reason
	more     []string // all finish reasons, when there are several
}

// addReason adds a non-empty finish reason; one needs no list of its own.
func (o *output) addReason(r string) {
	switch {
	case r == "":
	case o.first == "":
		o.first = r
	case o.more == nil:
		o.more = []string{o.first, r}
	default:
		o.more = append(o.more, r)
	}
}

// outputOf is what decoded output messages, or text when there are none,
// give the record; the messages' finish reasons when reasons is true.
func outputOf(msgs []wireMessage, text string, reasons bool) output {
	var out output
	switch {
	case len(msgs) > 0:
		out.message = true
		out.response, out.calls = responseOf(&msgs[0])
	case text != "":
		out.response = text
	}
	if reasons {
		for i := range msgs {
			out.addReason(string(msgs[i].choice().FinishReason))
		}
	}
	return out
}

// setOutput sets the response from out: the first message's text and tool
// calls, or the text that stood in for messages.
func (d *draft) setOutput(out *output) {
	switch {
	case out.message:
		d.rec.Response, d.rec.ToolCalls = out.response, out.calls
		d.responseSet = true
	case out.response != "":
		d.rec.Response = out.response
		d.responseSet = true
	}
}

// listScratch is what reading a JSON message list one message at a time
// needs besides its result: the reader, which would go to the heap anyway
// (the element decoders get it through function values), and the message
// (or the Vercel AI SDK's parts) each element is read into, whose arrays
// are reused. Nothing read from a list points into either, so both are
// reused from list to list.
type listScratch struct {
	r           jsonReader[string]
	m           wireMessage
	vercelParts []vercelPart
}

var listScratchPool = sync.Pool{New: func() any { return new(listScratch) }}

func takeListScratch(data string) *listScratch {
	sc := listScratchPool.Get().(*listScratch)
	sc.r = jsonReader[string]{data: data}
	return sc
}

// messages yields the messages of the JSON list sc reads, each read into
// sc.m, which the next one replaces; sc.r.atEnd() tells afterwards whether
// the list was well-formed.
func (sc *listScratch) messages() iter.Seq[*wireMessage] {
	return func(yield func(*wireMessage) bool) {
		for more := sc.r.enterArray(); more; more = sc.r.nextElement() {
			sc.m.reset()
			readWireMessage(&sc.r, &sc.m)
			if !yield(&sc.m) {
				return
			}
		}
	}
}

// release returns sc to the pool without references to the span's text,
// dropping arrays grown for an unusually long message.
func (sc *listScratch) release() {
	sc.r = jsonReader[string]{}
	sc.m.reset()
	if cap(sc.m.Parts) > maxPooledItems || cap(sc.m.ToolCalls) > maxPooledItems {
		sc.m = wireMessage{}
	}
	clear(sc.vercelParts[:cap(sc.vercelParts)])
	if sc.vercelParts = sc.vercelParts[:0]; cap(sc.vercelParts) > maxPooledItems {
		sc.vercelParts = nil
	}
	listScratchPool.Put(sc)
}

// reset makes m an empty message for the next element of a list, keeping
// (cleared) the arrays its parts and tool calls were decoded into: the
// prompt keeps no reference to them.
func (m *wireMessage) reset() {
	parts, calls := m.Parts[:0], m.ToolCalls[:0]
	clear(parts[:cap(parts)])
	clear(calls[:cap(calls)])
	*m = wireMessage{Parts: parts, ToolCalls: calls}
}

// decodeMessages decodes a JSON message list or a single JSON message.
func decodeMessages(s string) (msgs []wireMessage, text string) {
	if s == "" {
		return nil, ""
	}
	data := contentJSON(s)
	if len(data) == 0 {
		return nil, ""
	}
	switch data[0] {
	case '[':
		if decodeWire(data, &msgs, readWireMessages) {
			return msgs, ""
		}
	case '{':
		var m wireMessage
		if decodeWire(data, &m, readWireMessage) && !m.empty() {
			return []wireMessage{m}, ""
		}
	default:
		return nil, data
	}
	return nil, s
}

// empty reports whether m carries nothing a message is made of.
func (m *wireMessage) empty() bool {
	return m.Role == "" && len(m.Parts) == 0 && len(m.Content) == 0 &&
		len(m.ToolCalls) == 0 && m.Message == nil
}

// messageFromMap reads a structured message, event body or choice.
func messageFromMap(m pcommon.Map, arena *textArena) wireMessage {
	var w wireMessage
	for k, v := range m.All() {
		switch k {
		case "role":
			w.Role = anyText(str(v))
		case "name":
			w.Name = anyText(str(v))
		case "parts":
			if v.Type() == pcommon.ValueTypeSlice {
				w.Parts = partsFromSlice(v.Slice())
			} else if v.Type() == pcommon.ValueTypeStr {
				decodeWire(contentJSON(v.Str()), &w.Parts, readParts)
			}
		case "content":
			if w.Content = contentFromValue(v, arena); len(w.Content) > 0 && w.Content[0] == '"' {
				w.built.set(w.Content) // text this package escaped
			}
		case "tool_calls":
			w.ToolCalls = toolCallsFromValue(v)
		case "tool_call_id":
			w.ToolCallID = anyText(str(v))
		case "id":
			w.ID = anyText(str(v))
		case "finish_reason":
			w.FinishReason = anyText(str(v))
		case "message":
			switch v.Type() {
			case pcommon.ValueTypeMap:
				inner := messageFromMap(v.Map(), arena)
				w.Message = &inner
			case pcommon.ValueTypeStr:
				var inner wireMessage
				if decodeWire(contentJSON(v.Str()), &inner, readWireMessage) {
					w.Message = &inner
				} else {
					text := builtText(v.Str())
					w.Message = &text
				}
			}
		}
	}
	return w
}

func partsFromSlice(sl pcommon.Slice) []part {
	parts := make([]part, 0, sl.Len())
	for i := 0; i < sl.Len(); i++ {
		if item := sl.At(i); item.Type() == pcommon.ValueTypeMap {
			parts = append(parts, partFromMap(item.Map()))
		}
	}
	return parts
}

func partFromMap(m pcommon.Map) part {
	var p part
	for k, v := range m.All() {
		switch k {
		case "type":
			p.Type = anyText(str(v))
		case "content":
			p.Content = textValue(v)
		case "data":
			p.Data = textValue(v)
		case "id":
			p.ID = anyText(str(v))
		case "toolCallId":
			p.ToolCallID = anyText(str(v))
		case "name":
			p.Name = anyText(str(v))
		case "arguments":
			p.Arguments = textValue(v)
		case "response":
			p.Response = textValue(v)
		case "result":
			p.Result = textValue(v)
		case "output":
			p.Output = textValue(v)
		case "modality":
			p.Modality = anyText(str(v))
		case "mime_type":
			p.MimeType = anyText(str(v))
		case "uri":
			p.URI = anyText(str(v))
		case "file_id":
			p.FileID = anyText(str(v))
		}
	}
	return p
}

// contentFromValue turns a structured OpenAI content value into JSON: a
// string stays a string, an array of content parts stays an array, and
// anything else becomes its JSON text as a string. Empty or redacted
// content is none.
func contentFromValue(v pcommon.Value, arena *textArena) json.RawMessage {
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		return valueJSON(v)
	case pcommon.ValueTypeEmpty:
		return nil
	}
	if s := textValue(v); s != "" {
		if arena != nil {
			return arena.jsonString(string(s))
		}
		return jsonString(string(s))
	}
	return nil
}

func toolCallsFromValue(v pcommon.Value) []wireToolCall {
	var calls []wireToolCall
	switch v.Type() {
	case pcommon.ValueTypeStr:
		decodeWire(contentJSON(v.Str()), &calls, readWireToolCalls)
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			if item := sl.At(i); item.Type() == pcommon.ValueTypeMap {
				calls = append(calls, toolCallFromMap(item.Map()))
			}
		}
	}
	return calls
}

func toolCallFromMap(m pcommon.Map) wireToolCall {
	var c wireToolCall
	for k, v := range m.All() {
		switch k {
		case "id":
			c.ID = anyText(str(v))
		case "type":
			c.Type = anyText(str(v))
		case "function":
			if v.Type() != pcommon.ValueTypeMap {
				continue
			}
			for fk, fv := range v.Map().All() {
				switch fk {
				case "name":
					c.Function.Name = anyText(str(fv))
				case "arguments":
					c.Function.Arguments = textValue(fv)
				}
			}
		}
	}
	return c
}

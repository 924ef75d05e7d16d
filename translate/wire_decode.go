package translate

import (
	"encoding/json"
	"strings"
)

// Purpose-built decoders for the wire shapes that carry message content
// (wireMessage, part, wireToolCall, wireTool, vercelPart, vercelChoice,
// textPart; the Vercel messages are read by readVercelMessage). They replace
// json.Unmarshal on the hot path, where its reflection and its second pass
// over the text cost more than a span's own OTLP encoding, and they decode
// exactly as json.Unmarshal does into the same structs: keys matched to the
// json tags exactly or else under Unicode case folding, the last of repeated
// keys winning, values of the wrong JSON type leaving their field as it was,
// null clearing slices and pointers, an element decoded into what a slice
// already holds within its capacity. The struct tags stay the schema;
// TestWireDecodersMatchUnmarshal and FuzzWireDecoders hold the decoders to
// them.

// decodeWire decodes data into *v with read, as json.Unmarshal would: it
// reports false and leaves *v alone when data is not one JSON value.
// Strings in the result may share memory with data.
func decodeWire[T jsonText, E any](data T, v *E, read func(*jsonReader[T], *E)) bool {
	// The reader and the value read into go to the heap, because read is
	// called through a function value: together, in one allocation.
	w := &struct {
		r   jsonReader[T]
		tmp E
	}{jsonReader[T]{data: data}, *v}
	read(&w.r, &w.tmp)
	if !w.r.atEnd() {
		return false
	}
	*v = w.tmp
	return true
}

// enterFields starts reading an object into a struct, like enterObject;
// a value that is no object is skipped and leaves the struct as it is.
func (r *jsonReader[T]) enterFields() bool {
	if r.peek() != '{' {
		r.skipValue()
		return false
	}
	return r.enterObject()
}

// fieldFor returns the name in names that key stands for, as encoding/json
// matches keys: the same name, else one equal under Unicode case folding;
// "" for none.
func fieldFor[T jsonText](key T, names []string) string {
	for _, name := range names {
		if string(key) == name {
			return name
		}
	}
	for _, name := range names {
		if strings.EqualFold(string(key), name) {
			return name
		}
	}
	return ""
}

// readText reads any value into t as anyText.UnmarshalJSON does.
func readText[T jsonText](r *jsonReader[T], t *anyText) {
	switch r.peek() {
	case '"':
		// Short values (roles, types, ids) are nearly always plain ASCII:
		// one scan finds the end, and the text needs no decoding.
		if end := skipPlain(r.data, r.pos+1); end < len(r.data) && r.data[end] == '"' {
			*t, r.pos = anyText(r.data[r.pos+1:end]), end+1
			return
		}
		lit, escaped := r.str()
		if !r.bad {
			*t = anyText(unquoteJSON(lit, escaped))
		}
	case 'n':
		r.skipValue()
		*t = ""
	default:
		*t = anyText(r.skipValue())
	}
}

// readRaw reads any value into m as json.RawMessage.UnmarshalJSON does.
func readRaw[T jsonText](r *jsonReader[T], m *json.RawMessage) {
	*m = append((*m)[:0], r.skipValue()...)
}

// readValue reads any value into v as jsonValue.UnmarshalJSON does.
func readValue[T jsonText](r *jsonReader[T], v *jsonValue) {
	*v = jsonValue(r.skipValue())
}

// readSlice reads an array into *s, each element with read. Like
// encoding/json it reuses the elements *s holds within its capacity, makes
// an empty array a non-nil empty slice and null a nil one.
func readSlice[T jsonText, E any](r *jsonReader[T], s *[]E, read func(*jsonReader[T], *E)) {
	switch r.peek() {
	case '[':
	case 'n':
		r.skipValue()
		*s = nil
		return
	default:
		r.skipValue()
		return
	}
	out := (*s)[:0]
	for ok := r.enterArray(); ok; ok = r.nextElement() {
		if i := len(out); i < cap(out) {
			out = out[:i+1]
		} else {
			var zero E
			out = append(out, zero)
		}
		read(r, &out[len(out)-1])
	}
	if len(out) == 0 {
		out = []E{}
	}
	*s = out
}

// readPointer reads a value into **p: null makes it nil, any other value
// is read into the struct it points to, allocated if needed (even when the
// value then turns out to be of the wrong type, as with encoding/json).
func readPointer[T jsonText, E any](r *jsonReader[T], p **E, read func(*jsonReader[T], *E)) {
	if r.peek() == 'n' {
		r.skipValue()
		*p = nil
		return
	}
	if *p == nil {
		*p = new(E)
	}
	read(r, *p)
}

var wireMessageFields = []string{"role", "name", "parts", "content", "tool_calls", "tool_call_id", "id",
	"finish_reason", "message"}

func readWireMessage[T jsonText](r *jsonReader[T], m *wireMessage) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, wireMessageFields) {
		case "role":
			readText(r, &m.Role)
		case "name":
			readText(r, &m.Name)
		case "parts":
			readSlice(r, &m.Parts, readPart[T])
		case "content":
			readRaw(r, &m.Content)
		case "tool_calls":
			readSlice(r, &m.ToolCalls, readWireToolCall[T])
		case "tool_call_id":
			readText(r, &m.ToolCallID)
		case "id":
			readText(r, &m.ID)
		case "finish_reason":
			readText(r, &m.FinishReason)
		case "message":
			readPointer(r, &m.Message, readWireMessage[T])
		default:
			r.skipValue()
		}
	}
}

func readWireMessages[T jsonText](r *jsonReader[T], s *[]wireMessage) {
	readSlice(r, s, readWireMessage[T])
}

var partFields = []string{"type", "content", "data", "id", "toolCallId", "name", "arguments", "response",
	"result", "output", "modality", "mime_type", "uri", "file_id"}

func readPart[T jsonText](r *jsonReader[T], p *part) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, partFields) {
		case "type":
			readText(r, &p.Type)
		case "content":
			readTextLit(r, &p.Content, &p.contentLit)
		case "data":
			readText(r, &p.Data)
		case "id":
			readText(r, &p.ID)
		case "toolCallId":
			readText(r, &p.ToolCallID)
		case "name":
			readText(r, &p.Name)
		case "arguments":
			readText(r, &p.Arguments)
		case "response":
			readText(r, &p.Response)
		case "result":
			readText(r, &p.Result)
		case "output":
			readText(r, &p.Output)
		case "modality":
			readText(r, &p.Modality)
		case "mime_type":
			readText(r, &p.MimeType)
		case "uri":
			readText(r, &p.URI)
		case "file_id":
			readText(r, &p.FileID)
		default:
			r.skipValue()
		}
	}
}

func readParts[T jsonText](r *jsonReader[T], s *[]part) { readSlice(r, s, readPart[T]) }

var (
	wireToolCallFields = []string{"id", "type", "function"}
	functionFields     = []string{"name", "arguments"}
)

func readWireToolCall[T jsonText](r *jsonReader[T], c *wireToolCall) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, wireToolCallFields) {
		case "id":
			readText(r, &c.ID)
		case "type":
			readText(r, &c.Type)
		case "function":
			for ok := r.enterFields(); ok; ok = r.nextMember() {
				switch fieldFor(r.key, functionFields) {
				case "name":
					readText(r, &c.Function.Name)
				case "arguments":
					readText(r, &c.Function.Arguments)
				default:
					r.skipValue()
				}
			}
		default:
			r.skipValue()
		}
	}
}

func readWireToolCalls[T jsonText](r *jsonReader[T], s *[]wireToolCall) {
	readSlice(r, s, readWireToolCall[T])
}

var wireToolFields = []string{"type", "name", "description", "parameters", "inputSchema", "function"}

func readWireTool[T jsonText](r *jsonReader[T], t *wireTool) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, wireToolFields) {
		case "type":
			readText(r, &t.Type)
		case "name":
			readText(r, &t.Name)
		case "description":
			readText(r, &t.Description)
		case "parameters":
			readRaw(r, &t.Parameters)
		case "inputSchema":
			readRaw(r, &t.InputSchema)
		case "function":
			readPointer(r, &t.Function, readWireTool[T])
		default:
			r.skipValue()
		}
	}
}

func readWireTools[T jsonText](r *jsonReader[T], s *[]wireTool) { readSlice(r, s, readWireTool[T]) }

var vercelPartFields = []string{"type", "text", "image", "data", "mimeType", "mediaType", "filename",
	"toolCallId", "toolName", "args", "input", "result", "output"}

func readVercelPart[T jsonText](r *jsonReader[T], p *vercelPart) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, vercelPartFields) {
		case "type":
			readText(r, &p.Type)
		case "text":
			readTextLit(r, &p.Text, &p.textLit)
		case "image":
			readText(r, &p.Image)
		case "data":
			readText(r, &p.Data)
		case "mimeType":
			readText(r, &p.MimeType)
		case "mediaType":
			readText(r, &p.MediaType)
		case "filename":
			readText(r, &p.Filename)
		case "toolCallId":
			readText(r, &p.ToolCallID)
		case "toolName":
			readText(r, &p.ToolName)
		case "args":
			readText(r, &p.Args)
		case "input":
			readText(r, &p.Input)
		case "result":
			readText(r, &p.Result)
		case "output":
			readVercelOutput(r, &p.Output)
		default:
			r.skipValue()
		}
	}
}

func readVercelParts[T jsonText](r *jsonReader[T], s *[]vercelPart) {
	readSlice(r, s, readVercelPart[T])
}

var vercelOutputFields = []string{"type", "value"}

func readVercelOutput[T jsonText](r *jsonReader[T], o *vercelOutput) {
	if r.peek() == 'n' {
		r.skipValue()
		*o = vercelOutput{}
		return
	}
	o.set = true
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, vercelOutputFields) {
		case "type":
			readText(r, &o.Type)
		case "value":
			readValue(r, &o.Value)
		default:
			r.skipValue()
		}
	}
}

var textPartFields = []string{"type", "text", "content"}

func readTextPart[T jsonText](r *jsonReader[T], p *textPart) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, textPartFields) {
		case "type":
			readText(r, &p.Type)
		case "text":
			readText(r, &p.Text)
		case "content":
			readText(r, &p.Content)
		default:
			r.skipValue()
		}
	}
}

func readTextParts[T jsonText](r *jsonReader[T], s *[]textPart) { readSlice(r, s, readTextPart[T]) }

// validJSON reports whether data is one JSON value, as json.Valid does.
func validJSON[T jsonText](data T) bool {
	r := jsonReader[T]{data: data}
	r.skipValue()
	return r.atEnd()
}

// vercelChoice is ai.prompt.toolChoice: {type, toolName?}.
type vercelChoice struct {
	Type     anyText `json:"type"`
	ToolName anyText `json:"toolName"`
}

var vercelChoiceFields = []string{"type", "toolName"}

func readVercelChoice[T jsonText](r *jsonReader[T], c *vercelChoice) {
	for ok := r.enterFields(); ok; ok = r.nextMember() {
		switch fieldFor(r.key, vercelChoiceFields) {
		case "type":
			readText(r, &c.Type)
		case "toolName":
			readText(r, &c.ToolName)
		default:
			r.skipValue()
		}
	}
}

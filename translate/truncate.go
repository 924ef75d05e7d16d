package translate

import (
	"encoding/json"
	"unicode/utf8"
)

// truncatedFieldsKey is the custom attribute listing the record fields that
// were cut to Options.MaxFieldBytes.
const truncatedFieldsKey = "truncated_fields"

// truncate cuts the prompt message contents, the response and the context
// of r to at most limit bytes each, lists each field it cut once under
// custom_attributes.truncated_fields, and returns how many fields it cut.
// limit <= 0 means no limit.
//
// In content-part arrays the text of text parts and the URL of image parts
// are cut; an image cut short no longer decodes, but the record stays
// within the size the exporter was told to keep to.
func truncate(r *Record, limit int) int {
	if limit <= 0 {
		return 0
	}
	var fields []string

	cut := false
	for i := range r.Prompt {
		if c, ok := truncateContent(r.Prompt[i].Content, limit); ok {
			r.Prompt[i].Content = c
			cut = true
		}
	}
	if cut {
		fields = append(fields, "prompt")
	}
	if s, ok := truncateString(r.Response, limit); ok {
		r.Response = s
		fields = append(fields, "response")
	}
	if s, ok := truncateString(r.Context, limit); ok {
		r.Context = s
		fields = append(fields, "context")
	}

	if len(fields) > 0 {
		r.CustomAttributes.Set(truncatedFieldsKey, fields)
	}
	return len(fields)
}

// truncateString cuts s to at most limit bytes, backing off to a UTF-8 rune
// boundary. ok is false when s was short enough.
func truncateString(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	n := limit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// truncateContent cuts message content: a JSON string, or the text and
// image URLs of an array of content parts. A JSON encoding is never shorter
// than the text it holds, so content within the limit is not decoded.
func truncateContent(c json.RawMessage, limit int) (json.RawMessage, bool) {
	if len(c) <= limit {
		return c, false
	}
	switch c[0] {
	case '"':
		s, err := unquote([]byte(c))
		if err != nil {
			return c, false
		}
		if s, ok := truncateString(s, limit); ok {
			return jsonString(s), true
		}
	case '[':
		return truncateParts(c, limit)
	}
	return c, false
}

// contentPart is the part of an OpenAI content part truncation looks at.
type contentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ImageURL struct {
		URL    string `json:"url"`
		Detail string `json:"detail,omitempty"`
	} `json:"image_url"`
}

func truncateParts(c json.RawMessage, limit int) (json.RawMessage, bool) {
	var items []json.RawMessage
	if json.Unmarshal(c, &items) != nil {
		return c, false
	}
	cut := false
	for i, item := range items {
		if len(item) <= limit {
			continue
		}
		var p contentPart
		if !decodeJSON(item, &p) {
			continue
		}
		var ok bool
		switch p.Type {
		case "text":
			if p.Text, ok = truncateString(p.Text, limit); ok {
				items[i] = appendJSONString(append([]byte(nil), `{"type":"text","text":`...), p.Text)
				items[i] = append(items[i], '}')
			}
		case "image_url":
			if p.ImageURL.URL, ok = truncateString(p.ImageURL.URL, limit); ok {
				items[i], _ = json.Marshal(struct {
					Type     string `json:"type"`
					ImageURL any    `json:"image_url"`
				}{p.Type, p.ImageURL})
			}
		}
		cut = cut || ok
	}
	if !cut {
		return c, false
	}
	out, err := json.Marshal(items)
	if err != nil {
		return c, false
	}
	return out, true
}

package translate

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Attributes are a record's custom_attributes: each key once, kept in
// ascending key order. A record has a dozen or so, so a sorted slice is
// cheaper than a map to build, and it encodes as encoding/json encodes a
// map (keys sorted) without sorting on the way out.
type Attributes []Attribute

// Attribute is one custom attribute. Its value is what a JSON object
// value decodes to (string, bool, int64, float64, []string, []any,
// map[string]any, json.RawMessage, nil). A string, which most are, is
// kept out of an interface: putting it in one costs an allocation.
type Attribute struct {
	Key    string
	value  any
	text   string
	isText bool
}

// attribute returns key=v.
func attribute(key string, v any) Attribute {
	if s, ok := v.(string); ok {
		return textAttribute(key, s)
	}
	return Attribute{Key: key, value: v}
}

// textAttribute returns key=s.
func textAttribute(key, s string) Attribute { return Attribute{Key: key, text: s, isText: true} }

// Value returns the attribute's value.
func (a Attribute) Value() any {
	if a.isText {
		return a.text
	}
	return a.value
}

func (a Attributes) find(key string) (int, bool) {
	return slices.BinarySearchFunc(a, key, func(e Attribute, k string) int { return strings.Compare(e.Key, k) })
}

// Get returns the value of key.
func (a Attributes) Get(key string) (any, bool) {
	if i, ok := a.find(key); ok {
		return a[i].Value(), true
	}
	return nil, false
}

// Set sets key to v, replacing what it held.
func (a *Attributes) Set(key string, v any) {
	i, ok := a.find(key)
	if ok {
		(*a)[i] = attribute(key, v)
		return
	}
	*a = slices.Insert(*a, i, attribute(key, v))
}

// setDefault adds attr unless its key is set. It adds it at the end: the
// attributes of a draft are out of order until sortKeys, which finishing
// the record calls once. A dozen keys are compared for equality (mostly
// by length alone) faster than they are kept sorted one insert at a time.
func (a *Attributes) setDefault(attr Attribute) {
	for i := range *a {
		if (*a)[i].Key == attr.Key {
			return
		}
	}
	*a = append(*a, attr)
}

// sortKeys puts the attributes in key order, which Get, Set, Delete and
// the encoding rely on. A record has a dozen: they are insertion-sorted as
// byte indices, comparing keys by their first eight bytes where those
// differ, and then moved once, instead of moving 56-byte attributes at
// every step and comparing whole strings.
func (a Attributes) sortKeys() {
	const most = len(draft{}.attrs) // what a draft holds; more are rare
	if len(a) > most {
		slices.SortFunc(a, func(x, y Attribute) int { return strings.Compare(x.Key, y.Key) })
		return
	}
	var (
		prefix [most]uint64
		order  [most]uint8
		sorted = true
	)
	for i := range a {
		prefix[i] = keyPrefix(a[i].Key)
	}
	less := func(x, y uint8) bool {
		if prefix[x] != prefix[y] {
			return prefix[x] < prefix[y]
		}
		return a[x].Key < a[y].Key
	}
	for i := range len(a) {
		x, j := uint8(i), i
		for ; j > 0 && less(x, order[j-1]); j-- {
			order[j] = order[j-1]
		}
		order[j] = x
		sorted = sorted && j == i
	}
	if sorted {
		return
	}
	var moved [most]Attribute
	copy(moved[:len(a)], a)
	for i := range a {
		a[i] = moved[order[i]]
	}
}

// keyPrefix is the first eight bytes of key as a big-endian number (zeros
// past its end), which orders keys as their bytes do where it differs.
func keyPrefix(key string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(key) {
			p |= uint64(key[i])
		}
	}
	return p
}

// Delete removes key and reports whether it was there.
func (a *Attributes) Delete(key string) bool {
	i, ok := a.find(key)
	if ok {
		*a = slices.Delete(*a, i, i+1)
	}
	return ok
}

// Map returns the attributes as a map.
func (a Attributes) Map() map[string]any {
	if a == nil {
		return nil
	}
	m := make(map[string]any, len(a))
	for _, e := range a {
		m[e.Key] = e.Value()
	}
	return m
}

// AttributesOf returns m's entries as Attributes.
func AttributesOf(m map[string]any) Attributes {
	if m == nil {
		return nil
	}
	a := make(Attributes, 0, len(m))
	for k, v := range m {
		a = append(a, attribute(k, v))
	}
	slices.SortFunc(a, func(x, y Attribute) int { return strings.Compare(x.Key, y.Key) })
	return a
}

// MarshalJSON writes the attributes as a JSON object, as encoding/json
// writes the same map.
func (a Attributes) MarshalJSON() ([]byte, error) {
	if a == nil {
		return []byte("null"), nil
	}
	return a.appendJSON(nil), nil
}

// UnmarshalJSON reads a JSON object, with values as encoding/json decodes
// them into any.
func (a *Attributes) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		*a = nil
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*a = AttributesOf(m)
	return nil
}

func (a Attributes) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, a[i].Key)
		b = append(b, ':')
		if a[i].isText {
			b = appendJSONString(b, a[i].text)
		} else {
			b = appendAny(b, a[i].value)
		}
	}
	return append(b, '}')
}

package translate

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonText is JSON text: an attribute value (string) or a json.RawMessage.
type jsonText interface{ string | []byte }

// maxJSONDepth is the deepest nesting encoding/json accepts.
const maxJSONDepth = 10000

// jsonReader reads JSON text token by token. It accepts exactly the text
// encoding/json accepts, so a decoder built on it (wire_decode.go) fails
// where json.Unmarshal fails. After the first syntax error bad is set and
// every later read fails too, so decoders need not check after each step.
//
// Objects and arrays are read in loops:
//
//	for ok := r.enterObject(); ok; ok = r.nextMember() {
//		// r.key is the member's key; read its value
//	}
//	for ok := r.enterArray(); ok; ok = r.nextElement() {
//		// read the element
//	}
type jsonReader[T jsonText] struct {
	data   T
	pos    int
	depth  int
	key    T // the key of the member being read, unescaped
	bad    bool
	spaced bool // whitespace was skipped: the text was not compact
}

func (r *jsonReader[T]) fail() {
	r.bad = true
	r.pos = len(r.data)
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (r *jsonReader[T]) peek() byte {
	// Producers write compact JSON: one comparison, and peek stays small
	// enough to be inlined at each of its many calls.
	if r.pos < len(r.data) && r.data[r.pos] > ' ' {
		return r.data[r.pos]
	}
	return r.peekSpaced()
}

func (r *jsonReader[T]) peekSpaced() byte {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
			r.spaced = true
		default:
			return c
		}
	}
	return 0
}

// atEnd reports whether everything read was valid and only whitespace is
// left: the text held exactly one value.
func (r *jsonReader[T]) atEnd() bool {
	r.peek()
	return !r.bad && r.pos == len(r.data)
}

// skipValue reads a value of any kind and returns its text.
func (r *jsonReader[T]) skipValue() T {
	c := r.peek()
	start := r.pos
	switch {
	case c == '{':
		for ok := r.enterObject(); ok; ok = r.nextMember() {
			r.skipValue()
		}
	case c == '[':
		for ok := r.enterArray(); ok; ok = r.nextElement() {
			r.skipValue()
		}
	case c == '"':
		r.str()
	case c == 't':
		r.word("true")
	case c == 'f':
		r.word("false")
	case c == 'n':
		r.word("null")
	case c == '-' || (c >= '0' && c <= '9'):
		r.number()
	default:
		r.fail()
	}
	return r.data[start:r.pos]
}

// enterObject reads the '{' that starts an object and, unless the object
// is empty, its first key: it reports whether there is a member to read.
func (r *jsonReader[T]) enterObject() bool {
	if !r.open('{') {
		return false
	}
	if r.peek() == '}' {
		r.close()
		return false
	}
	return r.readKey()
}

// nextMember reads the ',' and key before the next member, or the '}'
// that ends the object: it reports whether there is a member to read.
func (r *jsonReader[T]) nextMember() bool {
	switch r.peek() {
	case ',':
		r.pos++
		return r.readKey()
	case '}':
		r.close()
	default:
		r.fail()
	}
	return false
}

// asciiKey reports a key of ASCII only, as nearly all are: checked here,
// short as keys are, it saves validUTF8's call for each key.
func asciiKey[T jsonText](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// readKey reads a member's key and the ':' after it into r.key.
func (r *jsonReader[T]) readKey() bool {
	// Nearly every key is plain ASCII: one scan finds its end, and it is
	// its own text.
	if r.pos < len(r.data) && r.data[r.pos] == '"' {
		if end := skipPlain(r.data, r.pos+1); end+1 < len(r.data) && r.data[end] == '"' && r.data[end+1] == ':' {
			r.key, r.pos = r.data[r.pos+1:end], end+2
			return true
		}
	}
	lit, escaped := r.str()
	if r.bad || r.peek() != ':' {
		r.fail()
		return false
	}
	r.pos++
	if r.key = lit[1 : len(lit)-1]; escaped || !asciiKey(r.key) && !validUTF8(r.key) {
		r.key = T(unquoteJSON(lit, escaped))
	}
	return true
}

// enterArray reads the '[' that starts an array and reports whether an
// element follows.
func (r *jsonReader[T]) enterArray() bool {
	if !r.open('[') {
		return false
	}
	if r.peek() == ']' {
		r.close()
		return false
	}
	return true
}

// nextElement reads the ',' before the next element, or the ']' that ends
// the array: it reports whether an element follows.
func (r *jsonReader[T]) nextElement() bool {
	switch r.peek() {
	case ',':
		r.pos++
		return true
	case ']':
		r.close()
	default:
		r.fail()
	}
	return false
}

// open reads the bracket that starts an object or array.
func (r *jsonReader[T]) open(bracket byte) bool {
	if r.peek() != bracket || r.depth == maxJSONDepth {
		r.fail()
		return false
	}
	r.pos++
	r.depth++
	return true
}

// close reads the bracket that ends an object or array.
func (r *jsonReader[T]) close() {
	r.pos++
	r.depth--
}

// str reads a string and returns it with its quotes; escaped reports a
// backslash escape in it.
func (r *jsonReader[T]) str() (lit T, escaped bool) {
	if r.peek() != '"' {
		r.fail()
		return lit, false
	}
	data, i := r.data, r.pos+1
	for {
		if i = skipQuiet(data, i); i >= len(data) {
			r.fail()
			return lit, false
		}
		switch c := data[i]; {
		case c == '"':
			lit, r.pos = data[r.pos:i+1], i+1
			return lit, escaped
		case c == '\\':
			n := escapeLen(data, i)
			if n == 0 {
				r.fail()
				return lit, false
			}
			escaped = true
			i += n
		case c < 0x20:
			r.fail()
			return lit, false
		default:
			i++
		}
	}
}

// canonicalStr reads a string like str and also reports whether its
// literal is canonical (see literal.go), in str's one pass over it:
// message text is most of a span's bytes, and a second pass to check it
// cost a tenth of reading a message list.
func (r *jsonReader[T]) canonicalStr() (lit T, escaped, canonical bool) {
	if r.peek() != '"' {
		r.fail()
		return lit, false, false
	}
	data, i := r.data, r.pos+1
	canonical = true
	for {
		if i = skipPlain(data, i); i >= len(data) {
			r.fail()
			return lit, false, false
		}
		switch c := data[i]; {
		case c == '"':
			lit, r.pos = data[r.pos:i+1], i+1
			return lit, escaped, canonical
		case c == '\\':
			n := escapeLen(data, i)
			if n == 0 {
				r.fail()
				return lit, false, false
			}
			canonical = canonical && canonicalEscapeLen(data, i) == n
			escaped = true
			i += n
		case c < 0x20:
			r.fail()
			return lit, false, false
		default: // not ASCII; a sequence cannot run into the closing quote
			rn, size := decodeRune(data, i)
			if (rn == utf8.RuneError && size == 1) || rn == '\u2028' || rn == '\u2029' {
				canonical = false
			}
			i += size
		}
	}
}

// escapeLen returns the length of the valid escape at data[i], 0 if invalid.
func escapeLen[T jsonText](data T, i int) int {
	if i+1 >= len(data) {
		return 0
	}
	switch data[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if hex4(data, i+2) >= 0 {
			return 6
		}
	}
	return 0
}

// hex4 decodes the four hex digits at data[i], or returns -1.
func hex4[T jsonText](data T, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range [4]byte{data[i], data[i+1], data[i+2], data[i+3]} {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *jsonReader[T]) number() {
	data, i := r.data, r.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		r.fail()
		return
	}
	if i < len(data) && data[i] == '.' {
		if i = digits(data, i+1); data[i-1] == '.' {
			r.fail()
			return
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if j := digits(data, i); j > i {
			i = j
		} else {
			r.fail()
			return
		}
	}
	r.pos = i
}

// digits returns the index after the decimal digits starting at i.
func digits[T jsonText](data T, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// word reads the literal true, false or null.
func (r *jsonReader[T]) word(w string) {
	if len(r.data)-r.pos < len(w) || string(r.data[r.pos:r.pos+len(w)]) != w {
		r.fail()
		return
	}
	r.pos += len(w)
}

// unquoteJSON returns the text of a valid string literal (quotes included)
// as encoding/json decodes it: escapes resolved, a lone surrogate escape
// and each byte of invalid UTF-8 as U+FFFD. Without escapes and with valid
// UTF-8, the text of a string literal is returned without copying.
func unquoteJSON[T jsonText](lit T, escaped bool) string {
	s := lit[1 : len(lit)-1]
	if !escaped && validUTF8(s) {
		return string(s)
	}
	var b strings.Builder
	b.Grow(len(s) + utf8.UTFMax)
	start := 0 // the plain text not yet written
	for i := 0; ; {
		if i = skipPlain(s, i); i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(string(s[start:i]))
			i += unescape(&b, s, i)
			start = i
		case c < utf8.RuneSelf: // a control character or '"', not in a valid literal
			i++
		default:
			r, size := decodeRune(s, i)
			if r == utf8.RuneError && size == 1 {
				b.WriteString(string(s[start:i]))
				b.WriteRune(r)
				start = i + 1
			}
			i += size
		}
	}
	b.WriteString(string(s[start:]))
	return b.String()
}

// unescape writes the character of the valid escape at s[i] and returns
// the length of the escape.
func unescape[T jsonText](b *strings.Builder, s T, i int) int {
	switch c := s[i+1]; c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r := hex4(s, i+2)
		if !utf16.IsSurrogate(r) {
			b.WriteRune(r)
			return 6
		}
		if i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if pair := utf16.DecodeRune(r, hex4(s, i+8)); pair != utf8.RuneError {
				b.WriteRune(pair)
				return 12
			}
		}
		b.WriteRune(utf8.RuneError)
		return 6
	default: // '"', '\\', '/'
		b.WriteByte(c)
	}
	return 2
}

// validUTF8 is utf8.Valid for either kind of text, without copying it.
// The standard library's checks run several times faster than a loop
// over decodeRune on text with some non-ASCII letters in it.
func validUTF8[T jsonText](s T) bool {
	switch v := any(s).(type) {
	case string:
		return utf8.ValidString(v)
	case []byte:
		return utf8.Valid(v)
	}
	panic("unreachable")
}

// decodeRune decodes the rune at s[i]; converting at most 4 bytes to a
// string does not allocate.
func decodeRune[T jsonText](s T, i int) (rune, int) {
	return utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
}

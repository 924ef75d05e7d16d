package translate

import (
	"bytes"
	"encoding/json"
	"unsafe"
)

// Message text mostly arrives as a JSON string literal inside a producer's
// message JSON, and leaves as a JSON string in Message.Content. When the
// literal is already exactly what appendJSONString writes for the text it
// decodes to (it is "canonical"), its bytes are the content: no unquoting
// into a new string, no escaping it back, no validating it again. Producers
// that serialise with JSON.stringify, Go's encoder without HTML escaping or
// json.dumps(ensure_ascii=False) write canonical literals for nearly all
// text; anything else (\/, \u00e9, invalid UTF-8, ...) takes the old path.

// A literal is canonical when it is exactly what appendJSONString writes
// for the text it decodes to: valid UTF-8 without U+2028 or U+2029, and
// only the escapes appendJSONString writes (\" \\ \b \f \n \r \t, \u00xx in
// lowercase hex for the other control characters, \u2028 and \u2029).
// jsonReader.canonicalStr checks it while it reads the literal.

// canonicalEscapeLen returns the length of the escape at s[i] of a valid
// literal if appendJSONString writes it, else 0.
func canonicalEscapeLen[T jsonText](s T, i int) int {
	switch s[i+1] {
	case '"', '\\', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		// A valid literal has four hex digits after \u.
		switch u := string(s[i+2 : i+6]); u {
		case "2028", "2029":
			return 6
		default:
			if u[0] != '0' || u[1] != '0' || !lowerHex(u[2]) || !lowerHex(u[3]) {
				return 0
			}
			switch c := byte(hex4(u, 0)); c {
			case '\b', '\f', '\n', '\r', '\t':
				return 0 // written as \b \f \n \r \t
			default:
				if c < 0x20 {
					return 6
				}
			}
		}
	}
	return 0 // \/, or \u for a character appendJSONString writes as it is
}

func lowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// keepLiterals is off only in tests, which compare records made with and
// without keeping literals.
var keepLiterals = true

// readTextLit reads a text field like readText and keeps in *lit the
// literal it came as, when that is canonical, so that the literal can
// become message content as it is. Such text is decoded only when it is
// free (the literal has no escapes: the text is a substring of it);
// otherwise *t stays "" and textOf decodes it when something needs it.
// *t and *lit are one field: both are set on every read.
func readTextLit[T jsonText](r *jsonReader[T], t *anyText, lit *string) {
	if r.peek() != '"' || !keepLiterals {
		readText(r, t)
		*lit = ""
		return
	}
	s, escaped, canonical := r.canonicalStr()
	if r.bad {
		return
	}
	switch {
	case !canonical:
		*t, *lit = anyText(unquoteJSON(s, escaped)), ""
	case escaped:
		*t, *lit = "", string(s)
	default:
		*t, *lit = anyText(s[1:len(s)-1]), string(s)
	}
}

// textOf returns the text of a field read by readTextLit.
func textOf(t anyText, lit string) anyText {
	if t != "" || len(lit) <= len(`""`) {
		return t
	}
	return anyText(unquoteJSON(lit, true))
}

// textNotEmpty reports whether a field read by readTextLit holds text other
// than "", without decoding it.
func textNotEmpty(t anyText, lit string) bool { return t != "" || len(lit) > len(`""`) }

// literalContent makes message content of a canonical literal without
// copying it: the content shares the attribute string's bytes. That holds
// because message content is never written in place, only replaced (redact
// already gives every record the same slice), and the slice's capacity
// ends at the literal, so an append copies. A copy cost an allocation per
// message, a twentieth of translating a long conversation.
func literalContent(lit string) json.RawMessage {
	return unsafe.Slice(unsafe.StringData(lit), len(lit))
}

// text returns the text of c when c is a JSON string that b marked. Content
// this package wrote is never written again (see literalContent), so the
// text may share its bytes; and it is canonical, so without a backslash it
// holds no escape and its text is what lies between the quotes.
func (b builtMark) text(c []byte) (string, bool) {
	if !b.is(c) || c[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(c, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(c[1:]), len(c)-2), true
	}
	s, err := unquote(unsafe.String(&c[0], len(c)))
	return s, err == nil
}

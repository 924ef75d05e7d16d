package translate

import (
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// The writers here produce what encoding/json with SetEscapeHTML(false)
// produces for the same values, byte for byte, so that Record.AppendJSON
// can replace it on the hot path without changing a single request body.

const hexDigits = "0123456789abcdef"

// Word-at-a-time scanning: strings are mostly text that a JSON string holds
// as it is, which is skipped eight bytes at a time up to the next byte that
// needs a look.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads 8 bytes of s from i, little-endian; the compiler turns it into
// one load.
func load8[T jsonText](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// stringStops sets the high bit of each byte of w that is '"', '\\' or
// below 0x20, and maybe of bytes after one (a borrow), but of no byte
// before the first: the classic test for a zero byte, applied to w^'"',
// w^'\\' and w-0x20.
func stringStops(w uint64) uint64 {
	quote, backslash := w^(ones*'"'), w^(ones*'\\')
	return ((w-ones*0x20)&^w | (quote-ones)&^quote | (backslash-ones)&^backslash) & highs
}

// skipQuiet returns the index of the first '"', '\\' or control character
// in s from i on, len(s) if there is none.
func skipQuiet[T jsonText](s T, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if stops := stringStops(load8(s, i)); stops != 0 {
			return i + bits.TrailingZeros64(stops)/8
		}
	}
	for i < len(s) && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' {
		i++
	}
	return i
}

// skipPlain returns the index of the first byte in s from i on that a JSON
// string cannot hold as it is or that is not ASCII, len(s) if there is
// none.
func skipPlain[T jsonText](s T, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := load8(s, i)
		if stops := stringStops(w) | w&highs; stops != 0 {
			return i + bits.TrailingZeros64(stops)/8
		}
	}
	for i < len(s) && s[i] >= 0x20 && s[i] < utf8.RuneSelf && s[i] != '"' && s[i] != '\\' {
		i++
	}
	return i
}

// appendJSONString appends s as a JSON string the way encoding/json writes
// it without HTML escaping: '"' and '\\' escaped, control characters as
// \b \f \n \r \t or \u00XX, U+2028 and U+2029 escaped, and each byte of
// invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start, i := 0, 0
	for {
		if i = skipPlain(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscaped(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscaped appends the escape of an ASCII byte a JSON string cannot
// hold as it is.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendFloat appends f as encoding/json writes a float64 (ECMAScript's
// number formatting). JSON has no NaN or infinity; encoding/json fails on
// them, a record gets null instead.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 becomes e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendRawJSON appends raw as encoding/json writes a json.RawMessage:
// nil as null, anything else compacted (whitespace between tokens
// dropped). Raw text that is not valid JSON makes encoding/json fail; a
// record gets the text as a JSON string instead, so the body stays valid.
func appendRawJSON(b []byte, raw []byte) []byte {
	if raw == nil {
		return append(b, "null"...)
	}
	r := jsonReader[[]byte]{data: raw}
	r.skipValue()
	if !r.atEnd() {
		return appendJSONString(b, string(raw))
	}
	if !r.spaced {
		return append(b, raw...)
	}
	return appendCompact(b, raw)
}

// appendCompact appends valid JSON without the whitespace between tokens.
func appendCompact(b []byte, raw []byte) []byte {
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			b = append(b, c)
			if c == '\\' {
				i++
				b = append(b, raw[i])
			} else if c == '"' {
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			b = append(b, c)
			inString = c == '"'
		}
	}
	return b
}

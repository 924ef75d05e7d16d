package translate

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestSkipsFindTheFirstStop holds the word-at-a-time scans to a byte loop,
// from every start in texts of every length up to 40 that mix plain bytes
// with each kind of stop, so that the overlapping last word is checked
// with stops before, at and after where the scan starts.
func TestSkipsFindTheFirstStop(t *testing.T) {
	alphabet := []byte{'a', 'a', 'a', 'a', ' ', '~', 0x7f, '"', '\\', 0x00, 0x1f, 0x80, 0xc3, 0xff}
	quiet := func(c byte) bool { return c >= 0x20 && c != '"' && c != '\\' }
	plain := func(c byte) bool { return quiet(c) && c < utf8.RuneSelf }
	want := func(s string, i int, ok func(byte) bool) int {
		for i < len(s) && ok(s[i]) {
			i++
		}
		return i
	}
	rng := rand.New(rand.NewPCG(4, 12))
	for n := range 41 {
		for range 200 {
			b := make([]byte, n)
			for k := range b {
				// Mostly plain bytes, so that words without a stop occur.
				if rng.IntN(4) == 0 {
					b[k] = alphabet[rng.IntN(len(alphabet))]
				} else {
					b[k] = 'a' + byte(rng.IntN(26))
				}
			}
			s := string(b)
			for i := 0; i <= n; i++ {
				if got, w := skipPlain(s, i), want(s, i, plain); got != w {
					t.Fatalf("skipPlain(%q, %d) = %d, want %d", s, i, got, w)
				}
				if got, w := skipPlain(b, i), want(s, i, plain); got != w {
					t.Fatalf("skipPlain([]byte(%q), %d) = %d, want %d", s, i, got, w)
				}
				if got, w := skipQuiet(s, i), want(s, i, quiet); got != w {
					t.Fatalf("skipQuiet(%q, %d) = %d, want %d", s, i, got, w)
				}
			}
		}
	}
}

package translate

import "strings"

// readerKeys says which readers find attributes of theirs on a span.
// Classification gathers it in its pass over the attributes (signals). A
// span carries one convention's keys, or two when an instrumentation
// dual-emits; the readers of the others skip their own pass, which would
// find nothing. A reader without keys reads nothing from the attributes,
// so skipping that pass changes no record: checkTranslation compares each
// fuzzed span's records with those of every reader run in full, and
// TestReaderKeysAreComplete checks that the readers read no key that does
// not count as theirs.
type readerKeys uint8

const (
	keysOpenLLMetry readerKeys = 1 << iota
	keysOpenInference
	keysVercel
	keysGenAIContent // gen_ai.prompt or gen_ai.completion, read by readGenAIContent

	allReaderKeys = keysOpenLLMetry | keysOpenInference | keysVercel | keysGenAIContent
)

// indexedKey reports whether k is prefix followed by an index, the key of
// an item of a flattened list.
func indexedKey(k, prefix string) bool {
	rest, ok := strings.CutPrefix(k, prefix)
	if !ok {
		return false
	}
	_, _, ok = cutIndex(rest)
	return ok
}

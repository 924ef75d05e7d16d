package translate

import (
	"cmp"
	"iter"
	"slices"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxIndex caps the indices of flattened lists (spec S.0.2): an attribute
// with a larger index is ignored, so a hostile key cannot make a reader
// build a huge list.
const maxIndex = 1000

// cutIndex splits "<n>.<rest>", where n is a decimal index up to maxIndex.
// ok is false for anything else: gen_ai.prompt.name, a negative or huge
// index, "1e9".
func cutIndex(s string) (n int, rest string, ok bool) {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > maxIndex {
			return 0, "", false
		}
	}
	if i == 0 || i == len(s) || s[i] != '.' {
		return 0, "", false
	}
	return n, s[i+1:], true
}

// flatItem is one attribute of a flattened list: <prefix><n>.<rest>.
type flatItem struct {
	n    int
	rest string
	v    pcommon.Value
}

// flatList holds the attributes of one flattened list ([OLL]
// gen_ai.prompt.N.*, [OI] llm.input_messages.N.*). It is sparse: gaps left by
// attribute limits cost nothing.
type flatList []flatItem

// add keeps the attribute key=v when key is prefix followed by an index,
// and reports whether it was.
func (l *flatList) add(key, prefix string, v pcommon.Value) bool {
	return l.addRoom(key, prefix, v, 16) // a message has several attributes
}

// addRoom is add for a list that may hold up to room items: a prompt of
// many messages is kept in one array instead of growing it several times.
func (l *flatList) addRoom(key, prefix string, v pcommon.Value, room int) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	return ok && l.addIndexed(rest, v, room)
}

// addIndexed is addRoom for a key whose prefix is cut off already.
func (l *flatList) addIndexed(rest string, v pcommon.Value, room int) bool {
	n, rest, ok := cutIndex(rest)
	if ok {
		if *l == nil {
			*l = make(flatList, 0, room)
		}
		*l = append(*l, flatItem{n, rest, v})
	}
	return ok
}

// count returns the number of distinct indexes in l.
func (l flatList) count() int {
	n := 0
	for range l.groups() {
		n++
	}
	return n
}

// groups yields the items of each index, lowest index first. It is small
// enough to be inlined, so that ranging over it allocates nothing.
func (l flatList) groups() iter.Seq2[int, flatList] {
	return func(yield func(int, flatList) bool) { l.eachGroup(yield) }
}

func (l flatList) eachGroup(yield func(int, flatList) bool) {
	byIndex := func(a, b flatItem) int { return cmp.Compare(a.n, b.n) }
	// Producers write the items in index order: a check is cheaper than
	// the stable sort's own pass over sorted items.
	if !slices.IsSortedFunc(l, byIndex) {
		slices.SortStableFunc(l, byIndex)
	}
	for start := 0; start < len(l); {
		end := start + 1
		for end < len(l) && l[end].n == l[start].n {
			end++
		}
		if !yield(l[start].n, l[start:end]) {
			return
		}
		start = end
	}
}

// get returns the value of the item whose rest is key, or the zero Value.
func (l flatList) get(key string) pcommon.Value {
	for i := range l {
		if l[i].rest == key {
			return l[i].v
		}
	}
	return pcommon.Value{}
}

// sub returns the nested list under prefix: the items whose rest is
// prefix followed by an index ("tool_calls.0.id" under "tool_calls.").
func (l flatList) sub(prefix string) flatList {
	var out flatList
	for i := range l {
		out.add(l[i].rest, prefix, l[i].v)
	}
	return out
}

// arenaFor returns an arena with room for the JSON strings of the texts
// the items of l under key hold: a conversation's texts in one array
// instead of one each.
func arenaFor(l flatList, key string) textArena {
	return newTextArena(l.textSize(key))
}

// textSize returns the length of the texts the items of l under key hold.
func (l flatList) textSize(key string) int {
	n := 0
	for i := range l {
		if l[i].rest == key {
			n += len(str(l[i].v))
		}
	}
	return n
}

// flatLists are the lists one reader collects a span's indexed attributes
// in. They are reused from span to span: a list sized for a conversation
// would otherwise be allocated, zeroed and collected for every span. The
// items only refer to the span's attributes, and nothing a reader makes
// points into a list, so that a list may be reused once the reader is done.
type flatLists [6]flatList

var flatListPool = sync.Pool{New: func() any { return new(flatLists) }}

// maxPooledItems bounds the lists kept for reuse: a span with thousands of
// indexed attributes must not pin that much memory in the pool.
const maxPooledItems = 1024

// takeFlatLists returns empty lists to collect in.
func takeFlatLists() *flatLists { return flatListPool.Get().(*flatLists) }

// release empties the lists, so they keep no span alive, and returns them
// for reuse.
func (ls *flatLists) release() {
	for i := range ls {
		if cap(ls[i]) > maxPooledItems {
			ls[i] = nil
			continue
		}
		clear(ls[i])
		ls[i] = ls[i][:0]
	}
	flatListPool.Put(ls)
}

package translate

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAttributesStaySortedAndEncodeLikeAMap: the first setDefault of a key
// wins; once sortKeys has run, whatever the order of sets and deletes,
// keys stay unique and sorted, and the JSON is what encoding/json writes
// for the same map.
func TestAttributesStaySortedAndEncodeLikeAMap(t *testing.T) {
	var a Attributes
	a.setDefault(attribute("span_id", "s1"))
	a.setDefault(attribute("trace_id", "t1"))
	a.setDefault(attribute("span_id", "ignored"))
	a.setDefault(attribute("\xff", true))
	a.setDefault(attribute("", nil))
	a.sortKeys()
	a.Set("b", int64(2))
	a.Set("a", []string{"x"})
	a.Set("b", 3.5)
	assert.False(t, a.Delete("missing"))
	assert.True(t, a.Delete("a"))

	want := map[string]any{"span_id": "s1", "trace_id": "t1", "b": 3.5, "\xff": true, "": nil}
	assert.Equal(t, want, a.Map())
	var keys []string
	for _, e := range a {
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{"", "b", "span_id", "trace_id", "\xff"}, keys)
	v, ok := a.Get("span_id")
	assert.True(t, ok)
	assert.Equal(t, "s1", v)

	got, err := json.Marshal(a)
	require.NoError(t, err)
	std, err := json.Marshal(want)
	require.NoError(t, err)
	assert.Equal(t, string(std), string(got))
	assert.Equal(t, string(std), string(a.appendJSON(nil)))

	var back Attributes
	require.NoError(t, json.Unmarshal(got, &back))
	assert.Equal(t, AttributesOf(map[string]any{"span_id": "s1", "trace_id": "t1", "b": 3.5, "\ufffd": true, "": nil}), back)
	require.NoError(t, json.Unmarshal([]byte("null"), &back))
	assert.Nil(t, back)
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &back))
}

// TestSortKeys sorts every order of a handful of keys, equal prefixes and
// an empty key among them, as the standard sort does.
func TestSortKeys(t *testing.T) {
	// Keys that differ in their first byte, after it, only after eight
	// bytes, and one that is a prefix of another.
	keys := []string{"span_id", "", "response", "trace_id", "response_model", "span_name", "\xff", "response_id"}
	var permute func(k int)
	permute = func(k int) {
		if k == len(keys) {
			var a Attributes
			for _, key := range keys {
				a.setDefault(textAttribute(key, "v"))
			}
			a.sortKeys()
			want := slices.Clone(keys)
			slices.Sort(want)
			got := make([]string, len(a))
			for i := range a {
				got[i] = a[i].Key
			}
			require.Equal(t, want, got, "from %q", keys)
			return
		}
		for i := k; i < len(keys); i++ {
			keys[k], keys[i] = keys[i], keys[k]
			permute(k + 1)
			keys[k], keys[i] = keys[i], keys[k]
		}
	}
	permute(0)

	// More than the index sort takes.
	var many Attributes
	var want []string
	for i := range 40 {
		key := fmt.Sprintf("k%02d", (i*17)%40)
		many.setDefault(textAttribute(key, "v"))
		want = append(want, key)
	}
	many.sortKeys()
	slices.Sort(want)
	for i := range many {
		require.Equal(t, want[i], many[i].Key)
	}
}

package loadtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTallyComparesAcceptedWithArrived(t *testing.T) {
	spans := NewSpans(9)
	g := &generator{spans: spans, per: 2, accepted: map[int]bool{0: true, 1: false, 2: true}}
	refs := map[string]int{
		spans.Ref(0): 1,
		spans.Ref(1): 2, // sent again after an ambiguous failure
		spans.Ref(2): 1, // its request was refused, yet it arrived
		spans.Ref(5): 1, // span 4 never arrived
		"stray":      1,
	}
	var res BackpressureResults

	g.tally(&res, spans, refs)

	assert.Equal(t, 3, res.Arrived)
	assert.Equal(t, 1, res.Missing)
	assert.Equal(t, 2, res.Duplicates)
	assert.Equal(t, 1, res.ArrivedRefused)
}

func TestOutageRSS(t *testing.T) {
	samples := []Sample{
		{APIUp: true, RSS: 10}, {APIUp: true, RSS: 20},
		{APIUp: false, RSS: 50}, {APIUp: false, RSS: 70}, {APIUp: false, RSS: 60},
		{APIUp: true, RSS: 90},
	}

	baseline, peak := outageRSS(samples)

	assert.Equal(t, int64(20), baseline)
	assert.Equal(t, int64(70), peak)
}

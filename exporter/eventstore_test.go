package athinaexporter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// eventLogs builds one log record per name for span i, the first with the
// event name as the record's event name and the rest as event.name.
func eventLogs(scope string, i int, names ...string) plog.Logs {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.Scope().SetName(scope)
	for j, name := range names {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTraceID(testTraceID(i))
		lr.SetSpanID(testSpanID(i))
		lr.SetTimestamp(pcommon.Timestamp(1000 + j))
		if j == 0 {
			lr.SetEventName(name)
		} else {
			lr.Attributes().PutStr("event.name", name)
		}
		lr.Body().SetEmptyMap().PutStr("content", name+" body")
	}
	return ld
}

func newTestStore(maxAge time.Duration, maxPending int) (*eventStore, *time.Time) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s := newEventStore(maxAge, maxPending)
	s.now = func() time.Time { return now }
	return s, &now
}

func TestEventStoreHoldsGenAIEventsOfASpan(t *testing.T) {
	s, _ := newTestStore(time.Minute, 100)

	res := s.add(eventLogs("lib", 0, "gen_ai.user.message", "gen_ai.choice"))
	assert.Equal(t, addResult{held: 2}, res)

	ld := eventLogs("lib", 1, "app.started")
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty().Body().SetStr("no span")
	assert.Equal(t, addResult{ignored: 2}, s.add(ld))

	ready, _ := s.ready([]waitKey{{key: spanKey{testTraceID(0), testSpanID(0)}}})
	assert.True(t, ready, "a choice event means the output is known")

	events := s.take(spanKey{testTraceID(0), testSpanID(0)})
	require.Len(t, events, 2)
	assert.Equal(t, "gen_ai.user.message", events[0].name)
	content, _ := events[0].attrs.Get("content")
	assert.Equal(t, "gen_ai.user.message body", content.Str())
	assert.Nil(t, s.take(spanKey{testTraceID(0), testSpanID(0)}), "taken once")
	assert.Zero(t, s.pending)
}

func TestEventStoreReadyNeedsTheOutput(t *testing.T) {
	s, _ := newTestStore(time.Minute, 100)
	s.add(eventLogs("lib", 0, "gen_ai.user.message"))
	key := spanKey{testTraceID(0), testSpanID(0)}

	ready, changed := s.ready([]waitKey{{key: key}})
	assert.False(t, ready)
	ready, _ = s.ready([]waitKey{{key: key, anyEvent: true}})
	assert.True(t, ready, "a failed call has no choice event")

	s.add(eventLogs("lib", 0, "gen_ai.choice"))
	select {
	case <-changed:
	default:
		t.Fatal("waiters are woken when events arrive")
	}
	ready, _ = s.ready([]waitKey{{key: key}})
	assert.True(t, ready)
}

func TestEventStoreIsBounded(t *testing.T) {
	s, now := newTestStore(time.Minute, 3)
	s.add(eventLogs("lib", 0, "gen_ai.user.message", "gen_ai.choice"))
	*now = now.Add(10 * time.Second)
	res := s.add(eventLogs("lib", 1, "gen_ai.user.message", "gen_ai.choice"))
	assert.Equal(t, 2, res.evicted, "the oldest span's events make room")
	assert.Nil(t, s.take(spanKey{testTraceID(0), testSpanID(0)}))

	*now = now.Add(time.Minute)
	assert.Equal(t, 2, s.expire(), "events older than max_age are dropped")
	assert.Zero(t, s.pending)
	assert.Empty(t, s.entries)
}

func TestEventStoreLearnsWhichScopesSendEvents(t *testing.T) {
	s, now := newTestStore(time.Minute, 100)
	assert.True(t, s.shouldWait("unknown"), "nothing known yet: worth a wait")

	s.markSilent("quiet")
	assert.False(t, s.shouldWait("quiet"))
	*now = now.Add(time.Minute)
	assert.True(t, s.shouldWait("quiet"), "checked again after max_age")

	s.add(eventLogs("chatty", 0, "gen_ai.user.message"))
	s.markSilent("chatty")
	assert.True(t, s.shouldWait("chatty"), "a scope that sends events is always waited for")
}

func TestEventStoreForgetsTakenKeys(t *testing.T) {
	s, _ := newTestStore(time.Minute, 1_000_000)
	s.add(eventLogs("lib", 0, "gen_ai.user.message")) // never taken
	for i := 1; i <= 5000; i++ {
		s.add(eventLogs("lib", i, "gen_ai.choice"))
		s.take(spanKey{testTraceID(i), testSpanID(i)})
	}
	assert.Len(t, s.entries, 1)
	assert.LessOrEqual(t, len(s.order), 2*len(s.entries)+1024+1, "taken keys do not pile up behind a held one")
}

package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Event names whose log records carry LLM content (OTel GenAI v1.28–1.36
// per-message events and the v1.37+ operation details event).
const (
	eventChoice           = "gen_ai.choice"
	eventOperationDetails = "gen_ai.client.inference.operation.details"
)

// spanKey identifies the span a log event belongs to.
type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// heldEvent is one content event waiting for its span. Its attributes are
// the log body's fields (content, role, tool_calls, message, ...), the shape
// the translate package reads from a span event of the same name.
type heldEvent struct {
	name  string
	at    pcommon.Timestamp
	attrs pcommon.Map
}

// scopeState is what the store knows of an instrumentation scope.
type scopeState struct {
	sent   time.Time // last time its content events arrived
	silent time.Time // last time its spans waited for events in vain
}

type heldEntry struct {
	events   []heldEvent
	complete bool // a choice or details event arrived: the output is known
	arrived  time.Time
}

// eventStore holds GenAI content events from the logs pipeline until the
// traces side takes them for their span. It is bounded in age and count.
type eventStore struct {
	maxAge     time.Duration
	maxPending int
	now        func() time.Time

	mu      sync.Mutex
	entries map[spanKey]*heldEntry
	order   []spanKey // arrival order of keys, for expiry; may hold taken keys
	pending int       // events held
	scopes  map[string]scopeState
	changed chan struct{} // closed and replaced whenever events arrive
}

func newEventStore(maxAge time.Duration, maxPending int) *eventStore {
	return &eventStore{
		maxAge:     maxAge,
		maxPending: maxPending,
		now:        time.Now,
		entries:    map[spanKey]*heldEntry{},
		scopes:     map[string]scopeState{},
		changed:    make(chan struct{}),
	}
}

// eventName returns the GenAI event name of a log record, from the record's
// event name or its event.name attribute, or "" when it is not one.
func eventName(lr plog.LogRecord) string {
	name := lr.EventName()
	if name == "" {
		if v, ok := lr.Attributes().Get("event.name"); ok {
			name = v.Str()
		}
	}
	if !strings.HasPrefix(name, "gen_ai.") {
		return ""
	}
	return name
}

// addResult is what add did with a batch of log records.
type addResult struct {
	held    int // content events now waiting for their span
	ignored int // records that are not GenAI events of a span
	evicted int // held events dropped to stay within max_pending
}

// add holds the GenAI content events of ld.
func (s *eventStore) add(ld plog.Logs) addResult {
	var res addResult
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()

	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			scope := sl.Scope().Name()
			for _, lr := range sl.LogRecords().All() {
				name := eventName(lr)
				if name == "" || lr.TraceID().IsEmpty() || lr.SpanID().IsEmpty() {
					res.ignored++
					continue
				}
				s.hold(spanKey{lr.TraceID(), lr.SpanID()}, heldEvent{
					name: name, at: eventTime(lr), attrs: eventAttributes(name, lr),
				}, now)
				res.held++
				st := s.scopes[scope]
				st.sent = now
				s.scopes[scope] = st
			}
		}
	}
	res.evicted = s.evictLocked(now)
	if res.held > 0 {
		close(s.changed)
		s.changed = make(chan struct{})
	}
	return res
}

func (s *eventStore) hold(key spanKey, ev heldEvent, now time.Time) {
	entry, ok := s.entries[key]
	if !ok {
		entry = &heldEntry{arrived: now}
		s.entries[key] = entry
		s.order = append(s.order, key)
	}
	entry.events = append(entry.events, ev)
	if ev.name == eventChoice || ev.name == eventOperationDetails {
		entry.complete = true
	}
	s.pending++
}

// evictLocked drops entries older than max_age, then the oldest entries
// while more than max_pending events are held. It returns the events dropped.
func (s *eventStore) evictLocked(now time.Time) int {
	dropped := 0
	i := 0
	for ; i < len(s.order); i++ {
		key := s.order[i]
		entry, ok := s.entries[key]
		if !ok {
			continue // taken by its span already
		}
		if now.Sub(entry.arrived) < s.maxAge && s.pending <= s.maxPending {
			break
		}
		dropped += len(entry.events)
		s.pending -= len(entry.events)
		delete(s.entries, key)
	}
	s.order = s.order[i:]
	s.compactLocked()
	return dropped
}

// compactLocked drops keys already taken from the arrival order once they
// outnumber the live ones: one span whose events are never taken would
// otherwise keep every later key in the order until it expires.
func (s *eventStore) compactLocked() {
	if len(s.order) <= 2*len(s.entries)+1024 {
		return
	}
	live := s.order[:0]
	for _, key := range s.order {
		if _, ok := s.entries[key]; ok {
			live = append(live, key)
		}
	}
	clear(s.order[len(live):])
	s.order = live
}

// take removes and returns the events held for key.
func (s *eventStore) take(key spanKey) []heldEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	entry, ok := s.entries[key]
	if !ok {
		return nil
	}
	delete(s.entries, key)
	s.pending -= len(entry.events)
	return entry.events
}

// shouldWait reports whether spans of an instrumentation scope are worth
// waiting for: its events have been seen within max_age, or nothing is
// known of it yet. A scope whose spans waited in vain is not waited for
// again until max_age has passed, so an app that captures no content costs
// one wait per max_age, not one per batch.
func (s *eventStore) shouldWait(scope string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st := s.scopes[scope]
	if now.Sub(st.sent) < s.maxAge {
		return true
	}
	return now.Sub(st.silent) >= s.maxAge
}

// markSilent notes that spans of scope waited for events in vain.
func (s *eventStore) markSilent(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.scopes[scope]
	st.silent = s.now()
	s.scopes[scope] = st
}

// ready reports whether the events of every key have arrived, and returns
// a channel closed when more events arrive.
func (s *eventStore) ready(keys []waitKey) (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		entry, ok := s.entries[k.key]
		if !ok || (!k.anyEvent && !entry.complete) {
			return false, s.changed
		}
	}
	return true, s.changed
}

// waitKey is a span whose content events a batch waits for. A failed call
// has no output, so any of its events will do.
type waitKey struct {
	key      spanKey
	anyEvent bool
}

// expire drops what has outlived max_age, for a store no batch touches.
func (s *eventStore) expire() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.evictLocked(s.now())
}

func eventTime(lr plog.LogRecord) pcommon.Timestamp {
	if ts := lr.Timestamp(); ts != 0 {
		return ts
	}
	return lr.ObservedTimestamp()
}

// eventAttributes gives a log event the attributes it would have as a span
// event. Per-message events carry their fields in the body: a map body is
// copied as is, any other body becomes its content. The operation details
// event carries gen_ai.input.messages and friends as log attributes.
func eventAttributes(name string, lr plog.LogRecord) pcommon.Map {
	attrs := pcommon.NewMap()
	if name == eventOperationDetails {
		lr.Attributes().CopyTo(attrs)
	}
	body := lr.Body()
	switch body.Type() {
	case pcommon.ValueTypeMap:
		for k, v := range body.Map().All() {
			v.CopyTo(attrs.PutEmpty(k))
		}
	case pcommon.ValueTypeEmpty:
	default:
		body.CopyTo(attrs.PutEmpty("content"))
	}
	return attrs
}

// Package standin is a local stand-in for Athina's inference-log API, for tests and demos.
//
// It checks what a client sends the way the documented API is expected to (the
// athina-api-key header, a JSON object per POST with a language_model_id and a
// prompt), keeps every accepted record in memory, and can be told to fail
// chosen records with a status, a Retry-After header or a delay. It is not a
// server for production: it keeps everything in memory, forever, and it knows
// nothing of Athina beyond what its public documents say.
//
// For load tests, New(key, CountOnly()) keeps no records, only how many times
// each external_reference_id arrived, so hundreds of thousands of records
// cost a few megabytes.
package standin // import "github.com/athina-otel/athinaexporter/internal/standin"

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxBodyBytes is the largest request body, after decompression, that the
// stand-in accepts; larger bodies are answered with 413. Athina documents no
// limit, so this is the stand-in's own choice.
const MaxBodyBytes = 8 << 20

// Fault is how the stand-in answers one well-formed, authorised record.
// The zero value accepts the record.
type Fault struct {
	// Status is the HTTP status to answer with. 0 or a 2xx status accepts the
	// record; any other status rejects it and the record is not kept.
	Status int
	// RetryAfter is the Retry-After header value, if any.
	RetryAfter string
	// Delay is how long to wait before answering (to exceed client timeouts).
	// If the client gives up during the delay, the record is not kept and no
	// response is counted.
	Delay time.Duration
	// Body is the response body. By default a rejection gets Athina's error
	// shape {"error":"...","details":{"message":"..."}} and an acceptance gets
	// {"status":"success","data":{"prompt_run_id":"..."}}.
	Body string
}

// Server is the stand-in. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	apiKey    []byte
	countOnly bool

	mu       sync.Mutex
	fault    func(rec map[string]any) Fault
	records  [][]byte // accepted records, as received (compacted JSON); none when countOnly
	accepted int
	refs     map[string]int // accepted records by external_reference_id
	requests int
	statuses map[int]int
	changed  chan struct{} // closed and replaced whenever a record is accepted
}

// Option changes how a Server keeps what it accepts.
type Option func(*Server)

// CountOnly makes the server keep no record, only the number of records
// accepted and how many times each external_reference_id arrived (Accepted,
// References, WaitForAccepted). Requests are checked as in the default mode,
// but the record is decoded into a map only when a fault function is set.
// Records, WaitForRecords and GET /records then see no records.
func CountOnly() Option {
	return func(s *Server) { s.countOnly = true }
}

// New returns a stand-in that accepts requests carrying apiKey in the
// athina-api-key header. An empty apiKey authorises nothing.
func New(apiKey string, opts ...Option) *Server {
	s := &Server{
		apiKey:   []byte(apiKey),
		refs:     make(map[string]int),
		statuses: make(map[int]int),
		changed:  make(chan struct{}),
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// SetFault sets the function that decides how each well-formed, authorised
// record is answered. It gets a copy of the record. nil accepts every record.
func (s *Server) SetFault(f func(rec map[string]any) Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Records returns copies of the accepted records, in arrival order.
func (s *Server) Records() []map[string]any {
	s.mu.Lock()
	raw := s.records[:len(s.records):len(s.records)]
	s.mu.Unlock()
	return decodeAll(raw)
}

// Accepted returns how many records the stand-in has accepted, in either mode.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// References returns how many times each external_reference_id was accepted,
// in either mode; records without one are counted under "". A count above 1
// is a record sent again after an ambiguous failure.
func (s *Server) References() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	refs := make(map[string]int, len(s.refs))
	for ref, n := range s.refs {
		refs[ref] = n
	}
	return refs
}

// WaitForAccepted waits until at least n records have been accepted and
// returns the count, or the count so far with ctx's error once ctx is done.
// Unlike WaitForRecords it works in CountOnly mode and copies nothing.
func (s *Server) WaitForAccepted(ctx context.Context, n int) (int, error) {
	for {
		s.mu.Lock()
		accepted, changed := s.accepted, s.changed
		s.mu.Unlock()

		if accepted >= n {
			return accepted, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return accepted, fmt.Errorf("waiting for %d records, have %d: %w", n, accepted, ctx.Err())
		}
	}
}

// Requests returns how many POST requests the stand-in has received, on any
// path and whatever it answered.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// StatusCounts returns how many responses to POST requests were sent, by
// status. Answers to GET /records and GET /healthz are not counted, nor a
// request whose client gave up during a Fault's Delay.
func (s *Server) StatusCounts() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[int]int, len(s.statuses))
	for status, n := range s.statuses {
		counts[status] = n
	}
	return counts
}

// WaitForRecords waits until at least n records have been accepted and returns
// them, or returns the records so far with ctx's error once ctx is done.
func (s *Server) WaitForRecords(ctx context.Context, n int) ([]map[string]any, error) {
	for {
		s.mu.Lock()
		raw := s.records[:len(s.records):len(s.records)]
		changed := s.changed
		s.mu.Unlock()

		if len(raw) >= n {
			return decodeAll(raw), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return decodeAll(raw), fmt.Errorf("waiting for %d records, have %d: %w", n, len(raw), ctx.Err())
		}
	}
}

// ServeHTTP answers the log API paths, GET /records (the accepted records as a
// JSON array) and GET /healthz.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()

		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if sw.status != 0 {
				s.mu.Lock()
				s.statuses[sw.status]++
				s.mu.Unlock()
			}
		}()
		w = sw
	}

	switch r.URL.Path {
	case "/api/v2/log/inference", "/api/v1/log/inference":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, "Method not allowed", "use POST to log an inference")
			return
		}
		s.serveLog(w, r)
	case "/records":
		if !allowGet(w, r) {
			return
		}
		s.serveRecords(w)
	case "/healthz":
		if !allowGet(w, r) {
			return
		}
		s.mu.Lock()
		body := fmt.Sprintf(`{"status":"ok","records":%d,"requests":%d}`, s.accepted, s.requests)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	default:
		writeError(w, http.StatusNotFound, "Not found", "no route for "+r.URL.Path)
	}
}

// statusWriter remembers the status of the response, for StatusCounts.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func allowGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeError(w, http.StatusMethodNotAllowed, "Method not allowed", "use GET")
	return false
}

func (s *Server) serveRecords(w http.ResponseWriter) {
	s.mu.Lock()
	raw := s.records[:len(s.records):len(s.records)]
	s.mu.Unlock()

	var buf bytes.Buffer
	buf.WriteString("[")
	for i, rec := range raw {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n  ")
		_ = json.Indent(&buf, rec, "  ", "  ") // rec was compacted from valid JSON
	}
	if len(raw) > 0 {
		buf.WriteString("\n")
	}
	buf.WriteString("]\n")
	writeJSON(w, http.StatusOK, buf.String())
}

// serveLog answers one POST to a log path: it checks the request, then asks
// the fault function how to answer, then keeps or drops the record.
func (s *Server) serveLog(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()

	checked, status, msg := s.check(r, fault != nil)
	if status != 0 {
		s.reject(w, status, "", msg, "")
		return
	}

	var f Fault
	if fault != nil {
		f = fault(checked.rec)
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client gave up: keep nothing, answer nothing
		}
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 299) {
		s.reject(w, f.Status, f.RetryAfter, "stand-in fault for this record", f.Body)
		return
	}

	s.accept(checked)
	status = f.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := f.Body
	if body == "" {
		body = `{"status":"success","data":{"prompt_run_id":"` + newID() + `"}}`
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	writeJSON(w, status, body)
}

func (s *Server) reject(w http.ResponseWriter, status int, retryAfter, detail, body string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	if body != "" {
		writeJSON(w, status, body)
		return
	}
	text := http.StatusText(status)
	if status == http.StatusUnauthorized {
		text = "Invalid API key"
	}
	if text == "" {
		text = "Error " + strconv.Itoa(status)
	}
	writeError(w, status, text, detail)
}

func (s *Server) accept(c checked) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.countOnly {
		s.records = append(s.records, c.raw)
	}
	s.accepted++
	s.refs[c.ref]++
	close(s.changed)
	s.changed = make(chan struct{})
}

func decodeAll(raw [][]byte) []map[string]any {
	out := make([]map[string]any, 0, len(raw))
	for _, b := range raw {
		var rec map[string]any
		_ = json.Unmarshal(b, &rec) // b was checked to be a JSON object when it arrived
		out = append(out, rec)
	}
	return out
}

// apiError is the shape of Athina's error responses.
type apiError struct {
	Error   string `json:"error"`
	Details struct {
		Message string `json:"message"`
	} `json:"details"`
}

func writeError(w http.ResponseWriter, status int, text, detail string) {
	e := apiError{Error: text}
	e.Details.Message = detail
	body, _ := json.Marshal(e)
	writeJSON(w, status, string(body))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

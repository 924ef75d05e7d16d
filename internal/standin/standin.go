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
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
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

// checked is a valid record: its external_reference_id, and (unless the
// server counts only) its compacted JSON. rec is the decoded record when the
// server keeps records or a fault function needs it, else nil.
type checked struct {
	ref string
	rec map[string]any
	raw []byte
}

// check validates a log request. It returns the record, or a non-zero status
// with the reason. wantMap asks for the decoded record even in CountOnly mode.
func (s *Server) check(r *http.Request, wantMap bool) (c checked, status int, msg string) {
	key := r.Header.Get("athina-api-key")
	if key == "" || subtle.ConstantTimeCompare([]byte(key), s.apiKey) != 1 {
		return c, http.StatusUnauthorized, "missing or wrong athina-api-key header"
	}

	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return c, http.StatusBadRequest, "Content-Type must be application/json"
	}

	body, status, msg := readBody(r)
	if status != 0 {
		return c, status, msg
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}
	if s.countOnly && !wantMap {
		return checkLean(body)
	}
	return checkFull(body, !s.countOnly)
}

// checkFull decodes the record into a map and, when keep, compacts it.
func checkFull(body []byte, keep bool) (c checked, status int, msg string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&c.rec); err != nil {
		return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}

	if id, ok := c.rec["language_model_id"].(string); !ok || id == "" {
		return c, http.StatusBadRequest, "language_model_id is required and must be a non-empty string"
	}
	switch c.rec["prompt"].(type) {
	case string, []any, map[string]any:
	case nil:
		return c, http.StatusBadRequest, "prompt is required"
	default:
		return c, http.StatusBadRequest, "prompt must be a string or an array of messages"
	}
	c.ref, _ = c.rec["external_reference_id"].(string)

	if keep {
		var compact bytes.Buffer
		if err := json.Compact(&compact, body); err != nil {
			return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
		}
		c.raw = compact.Bytes()
	}
	return c, 0, ""
}

// checkLean applies checkFull's rules while decoding only the fields it
// checks, for CountOnly mode: the prompt is validated as JSON but not built.
func checkLean(body []byte) (c checked, status int, msg string) {
	var rec struct {
		LanguageModelID     json.RawMessage `json:"language_model_id"`
		Prompt              json.RawMessage `json:"prompt"`
		ExternalReferenceID json.RawMessage `json:"external_reference_id"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&rec); err != nil {
		return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}

	var id string
	if len(rec.LanguageModelID) == 0 || rec.LanguageModelID[0] != '"' ||
		json.Unmarshal(rec.LanguageModelID, &id) != nil || id == "" {
		return c, http.StatusBadRequest, "language_model_id is required and must be a non-empty string"
	}
	switch {
	case len(rec.Prompt) == 0 || string(rec.Prompt) == "null":
		return c, http.StatusBadRequest, "prompt is required"
	case rec.Prompt[0] != '"' && rec.Prompt[0] != '[' && rec.Prompt[0] != '{':
		return c, http.StatusBadRequest, "prompt must be a string or an array of messages"
	}
	if len(rec.ExternalReferenceID) > 0 && rec.ExternalReferenceID[0] == '"' {
		_ = json.Unmarshal(rec.ExternalReferenceID, &c.ref) // a valid JSON string: Decode checked the body
	}
	return c, 0, ""
}

// readBody reads the request body, decompressing it per Content-Encoding, and
// enforces MaxBodyBytes on both the sent and the decompressed size.
func readBody(r *http.Request) ([]byte, int, string) {
	if r.ContentLength > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge()
	}
	var body io.Reader = io.LimitReader(r.Body, MaxBodyBytes+1)

	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, http.StatusBadRequest, "body is not valid gzip: " + err.Error()
		}
		defer zr.Close()
		body = zr
	case "zlib", "deflate":
		zr, err := zlib.NewReader(body)
		if err != nil {
			return nil, http.StatusBadRequest, "body is not valid " + enc + ": " + err.Error()
		}
		defer zr.Close()
		body = zr
	default:
		return nil, http.StatusUnsupportedMediaType, "unsupported Content-Encoding " + strconv.Quote(enc)
	}

	data, err := io.ReadAll(io.LimitReader(body, MaxBodyBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, "reading body: " + err.Error()
	}
	if len(data) > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge()
	}
	return data, 0, ""
}

func tooLarge() string {
	return fmt.Sprintf("body exceeds %d bytes", MaxBodyBytes)
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

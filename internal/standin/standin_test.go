package standin

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "test-key-123"

const okRecord = `{"language_model_id":"gpt-4o","prompt":[{"role":"user","content":"hi"}],"response":"hello"}`

type request struct {
	method      string
	path        string
	key         string // "" sends no athina-api-key header
	contentType string
	encoding    string
	body        []byte
}

// post is a well-formed, authorised POST of body to the v2 path.
func post(body string) request {
	return request{
		method: http.MethodPost, path: "/api/v2/log/inference", key: testKey,
		contentType: "application/json", body: []byte(body),
	}
}

func (r request) withMethod(m string) request { r.method = m; return r }
func (r request) withPath(p string) request   { r.path = p; return r }
func (r request) withKey(k string) request    { r.key = k; return r }
func (r request) withType(ct string) request  { r.contentType = ct; return r }

func (r request) withEncoding(enc string, body []byte) request {
	r.encoding, r.body = enc, body
	return r
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func newServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := New(testKey)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func do(t *testing.T, srv *httptest.Server, r request) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(r.method, srv.URL+r.path, bytes.NewReader(r.body))
	require.NoError(t, err)
	if r.key != "" {
		req.Header.Set("athina-api-key", r.key)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.encoding != "" {
		req.Header.Set("Content-Encoding", r.encoding)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

func TestRequests(t *testing.T) {
	big := `{"language_model_id":"m","prompt":"` + strings.Repeat("x", MaxBodyBytes) + `"}`

	tests := []struct {
		name      string
		req       request
		status    int
		errSubstr string // in the JSON error body; "" for a success
		kept      bool
	}{
		{name: "v2 accepted", req: post(okRecord), status: 200, kept: true},
		{name: "v1 accepted", req: post(okRecord).withPath("/api/v1/log/inference"), status: 200, kept: true},
		{name: "charset in content type", req: post(okRecord).withType("application/json; charset=utf-8"), status: 200, kept: true},
		{name: "prompt as a string", req: post(`{"language_model_id":"m","prompt":"hi"}`), status: 200, kept: true},
		{name: "unknown fields kept", req: post(`{"language_model_id":"m","prompt":"hi","extra":{"a":1}}`), status: 200, kept: true},
		{name: "gzip body", req: post("").withEncoding("gzip", gzipped(t, okRecord)), status: 200, kept: true},
		{name: "wrong method", req: post(okRecord).withMethod(http.MethodGet), status: 405, errSubstr: "Method not allowed"},
		{name: "unknown path", req: post(okRecord).withPath("/api/v3/log/inference"), status: 404, errSubstr: "Not found"},
		{name: "missing key", req: post(okRecord).withKey(""), status: 401, errSubstr: "Invalid API key"},
		{name: "wrong key", req: post(okRecord).withKey("nope"), status: 401, errSubstr: "Invalid API key"},
		{name: "no content type", req: post(okRecord).withType(""), status: 400, errSubstr: "application/json"},
		{name: "text content type", req: post(okRecord).withType("text/plain"), status: 400, errSubstr: "application/json"},
		{name: "empty body", req: post(""), status: 400, errSubstr: "single JSON object"},
		{name: "array body", req: post("[" + okRecord + "]"), status: 400, errSubstr: "single JSON object"},
		{name: "two objects", req: post(okRecord + okRecord), status: 400, errSubstr: "single JSON object"},
		{name: "invalid JSON", req: post(`{"language_model_id":`), status: 400, errSubstr: "not valid JSON"},
		{name: "missing model", req: post(`{"prompt":"hi"}`), status: 400, errSubstr: "language_model_id"},
		{name: "empty model", req: post(`{"language_model_id":"","prompt":"hi"}`), status: 400, errSubstr: "language_model_id"},
		{name: "model not a string", req: post(`{"language_model_id":4,"prompt":"hi"}`), status: 400, errSubstr: "language_model_id"},
		{name: "missing prompt", req: post(`{"language_model_id":"m","response":"x"}`), status: 400, errSubstr: "prompt is required"},
		{name: "null prompt", req: post(`{"language_model_id":"m","prompt":null}`), status: 400, errSubstr: "prompt is required"},
		{name: "prompt a number", req: post(`{"language_model_id":"m","prompt":3}`), status: 400, errSubstr: "prompt must be"},
		{name: "body too large", req: post(big), status: 413, errSubstr: "Request Entity Too Large"},
		{name: "gzip body too large", req: post("").withEncoding("gzip", gzipped(t, big)), status: 413, errSubstr: "Request Entity Too Large"},
		{name: "bad gzip", req: post(okRecord).withEncoding("gzip", []byte(okRecord)), status: 400, errSubstr: "gzip"},
		{name: "unknown encoding", req: post(okRecord).withEncoding("br", []byte(okRecord)), status: 415, errSubstr: "Content-Encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newServer(t)

			resp, body := do(t, srv, tt.req)

			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var got map[string]any
			require.NoError(t, json.Unmarshal(body, &got), "body: %s", body)
			if tt.errSubstr == "" {
				assert.Equal(t, "success", got["status"])
				data, _ := got["data"].(map[string]any)
				assert.NotEmpty(t, data["prompt_run_id"])
			} else {
				assert.Contains(t, fmt.Sprint(got["error"], " ", got["details"]), tt.errSubstr)
				assert.Contains(t, got, "details")
			}
			if tt.kept {
				assert.Len(t, s.Records(), 1)
			} else {
				assert.Empty(t, s.Records())
			}
			if tt.req.method == http.MethodPost {
				assert.Equal(t, 1, s.Requests())
				assert.Equal(t, map[int]int{tt.status: 1}, s.StatusCounts())
			}
		})
	}
}

func TestFaults(t *testing.T) {
	s, srv := newServer(t)
	s.SetFault(func(rec map[string]any) Fault {
		switch rec["language_model_id"] {
		case "throttled":
			return Fault{Status: 429, RetryAfter: "3"}
		case "custom":
			return Fault{Status: 503, Body: `{"error":"down"}`}
		case "created":
			return Fault{Status: 201}
		}
		return Fault{}
	})

	resp, body := do(t, srv, post(`{"language_model_id":"throttled","prompt":"hi"}`))
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "3", resp.Header.Get("Retry-After"))
	assert.JSONEq(t, `{"error":"Too Many Requests","details":{"message":"stand-in fault for this record"}}`, string(body))

	resp, body = do(t, srv, post(`{"language_model_id":"custom","prompt":"hi"}`))
	assert.Equal(t, 503, resp.StatusCode)
	assert.JSONEq(t, `{"error":"down"}`, string(body))

	resp, _ = do(t, srv, post(`{"language_model_id":"created","prompt":"hi"}`))
	assert.Equal(t, 201, resp.StatusCode)

	resp, _ = do(t, srv, post(`{"language_model_id":"fine","prompt":"hi"}`))
	assert.Equal(t, 200, resp.StatusCode)

	var models []any
	for _, rec := range s.Records() {
		models = append(models, rec["language_model_id"])
	}
	assert.Equal(t, []any{"created", "fine"}, models)
	assert.Equal(t, 4, s.Requests())
	assert.Equal(t, map[int]int{429: 1, 503: 1, 201: 1, 200: 1}, s.StatusCounts())

	s.SetFault(nil)
	resp, _ = do(t, srv, post(`{"language_model_id":"throttled","prompt":"hi"}`))
	assert.Equal(t, 200, resp.StatusCode)
}

func TestFaultGetsWellFormedAuthorisedRecordsOnly(t *testing.T) {
	s, srv := newServer(t)
	var calls int
	s.SetFault(func(map[string]any) Fault { calls++; return Fault{} })

	do(t, srv, post(okRecord).withKey("wrong"))
	do(t, srv, post(`{"prompt":"hi"}`))
	do(t, srv, post(okRecord))

	assert.Equal(t, 1, calls)
}

func TestDelayPastClientTimeoutKeepsNothing(t *testing.T) {
	s, srv := newServer(t)
	s.SetFault(func(rec map[string]any) Fault {
		if rec["language_model_id"] == "slow" {
			return Fault{Delay: 5 * time.Second}
		}
		return Fault{}
	})

	client := &http.Client{Transport: srv.Client().Transport, Timeout: 100 * time.Millisecond}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/log/inference",
		strings.NewReader(`{"language_model_id":"slow","prompt":"hi"}`))
	require.NoError(t, err)
	req.Header.Set("athina-api-key", testKey)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	_, err = client.Do(req)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)

	resp, _ := do(t, srv, post(okRecord))
	assert.Equal(t, 200, resp.StatusCode)
	recs, err := s.WaitForRecords(t.Context(), 1)
	require.NoError(t, err)
	assert.Equal(t, "gpt-4o", recs[0]["language_model_id"])
	assert.Len(t, s.Records(), 1)
}

func TestDelayThenAnswer(t *testing.T) {
	s, srv := newServer(t)
	s.SetFault(func(map[string]any) Fault { return Fault{Delay: 50 * time.Millisecond, Status: 500} })

	start := time.Now()
	resp, _ := do(t, srv, post(okRecord))

	assert.Equal(t, 500, resp.StatusCode)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	assert.Empty(t, s.Records())
}

func TestRecordsAreCopies(t *testing.T) {
	s, srv := newServer(t)
	do(t, srv, post(okRecord))

	first := s.Records()
	first[0]["language_model_id"] = "changed"
	first[0]["prompt"].([]any)[0].(map[string]any)["content"] = "changed"

	again := s.Records()
	assert.Equal(t, "gpt-4o", again[0]["language_model_id"])
	assert.Equal(t, "hi", again[0]["prompt"].([]any)[0].(map[string]any)["content"])
}

func TestWaitForRecords(t *testing.T) {
	s, srv := newServer(t)
	const n = 20

	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			do(t, srv, post(fmt.Sprintf(`{"language_model_id":"m%d","prompt":"hi"}`, i)))
		})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	recs, err := s.WaitForRecords(ctx, n)
	wg.Wait()

	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(recs), n)
	assert.Equal(t, n, s.Requests())
	assert.Equal(t, map[int]int{200: n}, s.StatusCounts())
}

func TestWaitForRecordsTimesOut(t *testing.T) {
	s, srv := newServer(t)
	do(t, srv, post(okRecord))

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	recs, err := s.WaitForRecords(ctx, 2)

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, recs, 1)
}

func TestRecordsEndpoint(t *testing.T) {
	s, srv := newServer(t)

	resp, body := do(t, srv, request{method: http.MethodGet, path: "/records"})
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `[]`, string(body))

	do(t, srv, post(okRecord))
	do(t, srv, post(`{"language_model_id":"second","prompt":"yo"}`))

	resp, body = do(t, srv, request{method: http.MethodGet, path: "/records"})
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `[`+okRecord+`,{"language_model_id":"second","prompt":"yo"}]`, string(body))

	resp, _ = do(t, srv, request{method: http.MethodPost, path: "/records"})
	assert.Equal(t, 405, resp.StatusCode)
	assert.Equal(t, 3, s.Requests(), "a POST to /records is a request too")
	assert.Equal(t, map[int]int{200: 2, 405: 1}, s.StatusCounts(), "GETs are not counted")
}

func TestHealthz(t *testing.T) {
	_, srv := newServer(t)
	do(t, srv, post(okRecord))

	resp, body := do(t, srv, request{method: http.MethodGet, path: "/healthz"})

	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"status":"ok","records":1,"requests":1}`, string(body))
}

func TestEmptyKeyAuthorisesNothing(t *testing.T) {
	s := New("")
	srv := httptest.NewServer(s)
	defer srv.Close()

	resp, _ := do(t, srv, post(okRecord).withKey(""))

	assert.Equal(t, 401, resp.StatusCode)
}

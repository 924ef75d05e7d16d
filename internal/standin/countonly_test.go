package standin

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newCountingServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := New(testKey, CountOnly())
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// TestCountOnlyChecksLikeDefault sends the same requests to a default and a
// CountOnly server: the lean decoding must answer every one the same way.
func TestCountOnlyChecksLikeDefault(t *testing.T) {
	big := `{"language_model_id":"m","prompt":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	requests := map[string]request{
		"accepted":           post(okRecord),
		"with reference":     post(`{"language_model_id":"m","prompt":"hi","external_reference_id":"t-s"}`),
		"reference a number": post(`{"language_model_id":"m","prompt":"hi","external_reference_id":7}`),
		"prompt an object":   post(`{"language_model_id":"m","prompt":{"a":1}}`),
		"gzip body":          post("").withEncoding("gzip", gzipped(t, okRecord)),
		"missing key":        post(okRecord).withKey(""),
		"text content type":  post(okRecord).withType("text/plain"),
		"empty body":         post(""),
		"array body":         post("[" + okRecord + "]"),
		"two objects":        post(okRecord + okRecord),
		"invalid JSON":       post(`{"language_model_id":`),
		"invalid prompt":     post(`{"language_model_id":"m","prompt":[1,}`),
		"missing model":      post(`{"prompt":"hi"}`),
		"empty model":        post(`{"language_model_id":"","prompt":"hi"}`),
		"model not a string": post(`{"language_model_id":4,"prompt":"hi"}`),
		"model null":         post(`{"language_model_id":null,"prompt":"hi"}`),
		"missing prompt":     post(`{"language_model_id":"m","response":"x"}`),
		"null prompt":        post(`{"language_model_id":"m","prompt":null}`),
		"prompt a number":    post(`{"language_model_id":"m","prompt":3}`),
		"prompt a boolean":   post(`{"language_model_id":"m","prompt":true}`),
		"body too large":     post(big),
	}
	for name, req := range requests {
		t.Run(name, func(t *testing.T) {
			_, full := newServer(t)
			counting, lean := newCountingServer(t)

			wantResp, wantBody := do(t, full, req)
			gotResp, gotBody := do(t, lean, req)

			assert.Equal(t, wantResp.StatusCode, gotResp.StatusCode)
			if wantResp.StatusCode != http.StatusOK {
				assert.Equal(t, string(wantBody), string(gotBody))
			}
			assert.Equal(t, map[int]int{wantResp.StatusCode: 1}, counting.StatusCounts())
		})
	}
}

func TestCountOnlyKeepsReferencesNotRecords(t *testing.T) {
	s, srv := newCountingServer(t)

	for _, ref := range []string{"a-1", "b-2", "a-1"} {
		resp, _ := do(t, srv, post(`{"language_model_id":"m","prompt":"hi","external_reference_id":"`+ref+`"}`))
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	do(t, srv, post(okRecord))
	do(t, srv, post(`{"prompt":"rejected"}`))

	assert.Equal(t, 4, s.Accepted())
	assert.Equal(t, map[string]int{"a-1": 2, "b-2": 1, "": 1}, s.References())
	assert.Empty(t, s.Records())
	resp, body := do(t, srv, request{method: http.MethodGet, path: "/records"})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `[]`, string(body))
	_, body = do(t, srv, request{method: http.MethodGet, path: "/healthz"})
	assert.JSONEq(t, `{"status":"ok","records":4,"requests":5}`, string(body))
}

func TestCountOnlyStillAsksTheFault(t *testing.T) {
	s, srv := newCountingServer(t)
	s.SetFault(func(rec map[string]any) Fault {
		if rec["language_model_id"] == "throttled" {
			return Fault{Status: http.StatusTooManyRequests}
		}
		return Fault{}
	})

	resp, _ := do(t, srv, post(`{"language_model_id":"throttled","prompt":"hi","external_reference_id":"x"}`))
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	resp, _ = do(t, srv, post(`{"language_model_id":"fine","prompt":"hi","external_reference_id":"y"}`))
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	assert.Equal(t, map[string]int{"y": 1}, s.References())
	assert.Empty(t, s.Records())
}

func TestDefaultModeCountsReferencesToo(t *testing.T) {
	s, srv := newServer(t)

	do(t, srv, post(`{"language_model_id":"m","prompt":"hi","external_reference_id":"t-s"}`))
	do(t, srv, post(`{"language_model_id":"m","prompt":"hi","external_reference_id":"t-s"}`))

	assert.Equal(t, 2, s.Accepted())
	assert.Equal(t, map[string]int{"t-s": 2}, s.References())
	assert.Len(t, s.Records(), 2)
}

func TestWaitForAccepted(t *testing.T) {
	s, srv := newCountingServer(t)
	const n = 20

	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			do(t, srv, post(fmt.Sprintf(`{"language_model_id":"m","prompt":"hi","external_reference_id":"r%d"}`, i)))
		})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := s.WaitForAccepted(ctx, n)
	wg.Wait()

	require.NoError(t, err)
	assert.Equal(t, n, got)
	assert.Len(t, s.References(), n)
}

func TestWaitForAcceptedTimesOut(t *testing.T) {
	s, srv := newCountingServer(t)
	do(t, srv, post(okRecord))

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	got, err := s.WaitForAccepted(ctx, 2)

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, got)
}

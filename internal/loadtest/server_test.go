package loadtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func get(t *testing.T, client *http.Client, url string) error {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func TestServerGoesDownAndUpOnTheSamePort(t *testing.T) {
	srv, err := NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}), nil)
	require.NoError(t, err)
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()

	require.NoError(t, get(t, client, srv.URL()))
	srv.Down()
	err = get(t, client, srv.URL())
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "a kept-alive connection must not survive Down")
	require.NoError(t, srv.Up())

	assert.NoError(t, get(t, client, srv.URL()))
}

// TestTLSServerSpeaksHTTP2: with a certificate the server is HTTPS, a
// client that trusts the certificate and attempts HTTP/2 (as confighttp's
// does) gets HTTP/2, and the handler sees which protocol came.
func TestTLSServerSpeaksHTTP2(t *testing.T) {
	cert, err := NewTLSCert(filepath.Join(t.TempDir(), "ca.pem"))
	require.NoError(t, err)
	proto := &protocolSeen{handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	srv, err := NewServer(proto, cert)
	require.NoError(t, err)
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"))

	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cert.Pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport, Timeout: 5 * time.Second}).Get(srv.URL())
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, 2, resp.ProtoMajor)
	assert.Equal(t, "HTTP/2.0", proto.String())
	_, err = (&http.Client{Timeout: 5 * time.Second}).Get(srv.URL())
	assert.Error(t, err, "a client that does not trust the certificate is refused")
}

func TestSinkCountsSpansOfJSONExports(t *testing.T) {
	sink := &Sink{}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(NewSpans(3).Batch(0, 7, time.Now()))
	require.NoError(t, err)

	for range 2 {
		resp, err := http.Post(srv.URL+"/v1/traces", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}

	assert.Equal(t, 14, sink.Spans())
	assert.Equal(t, 2, sink.Requests())
}

func TestOTLPClientRetriesRefusals(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/traces", r.URL.Path)
		assert.Equal(t, "application/x-protobuf", r.Header.Get("Content-Type"))
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	client := NewOTLPClient(srv.Listener.Addr().String(), 1)
	defer client.Close()

	ok := client.SendUntilAccepted(context.Background(), []byte("spans"), 10)

	assert.True(t, ok)
	accepted, refused, reasons := client.Counts()
	assert.Equal(t, 10, accepted)
	assert.Equal(t, 20, refused)
	assert.Equal(t, map[string]int{"HTTP 503": 20}, reasons)
}

func TestOTLPClientGivesUpWithTheContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	client := NewOTLPClient(srv.Listener.Addr().String(), 1)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()

	assert.False(t, client.SendUntilAccepted(ctx, []byte("spans"), 1))
}

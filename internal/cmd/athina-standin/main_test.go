package main

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestCheckLoopback: the stand-in accepts anyone with the demo key, so it
// refuses to listen where other hosts could reach it.
func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:18080": true,
		"localhost:18080": true,
		"[::1]:18080":     true,
		"0.0.0.0:18080":   false,
		":18080":          false,
		"10.0.0.5:18080":  false,
		"example.com:80":  false,
		"127.0.0.1":       false, // no port
	} {
		err := checkLoopback(addr)
		if ok {
			assert.NoError(t, err, addr)
		} else {
			assert.Error(t, err, addr)
		}
	}
}

// TestHandlerLogsRecords: one log line per accepted record and per
// rejected request, never the key.
func TestHandlerLogsRecords(t *testing.T) {
	var out bytes.Buffer
	log.SetOutput(&out)
	defer log.SetOutput(os.Stderr)
	srv := httptest.NewServer(newHandler("demo-key-1234"))
	defer srv.Close()

	for _, key := range []string{"demo-key-1234", "wrong-key-999"} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/log/inference",
			bytes.NewReader([]byte(`{"language_model_id":"gpt-4o","prompt":[],"external_reference_id":"t-s"}`)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("athina-api-key", key)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	srv.Client().CloseIdleConnections()

	assert.Contains(t, out.String(), "record: model=gpt-4o status_code=<nil> ref=t-s")
	assert.Contains(t, out.String(), "POST /api/v2/log/inference: answered 401")
	assert.NotContains(t, out.String(), "demo-key-1234")
	assert.NotContains(t, out.String(), "wrong-key-999")
}

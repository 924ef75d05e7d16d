package athinaexporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEchoedAPIKeyIsScrubbed: an API (or a proxy) that quotes the refused
// key in its error body must not get it into our errors or logs.
func TestEchoedAPIKeyIsScrubbed(t *testing.T) {
	bodies := []struct {
		status int
		body   string
	}{
		{http.StatusUnauthorized, `{"error":"Invalid API key ` + testAPIKey + `"}`},
		{http.StatusBadRequest, `{"error":"Bad request","details":{"message":"key=` + testAPIKey + `"}}`},
		{http.StatusBadGateway, "<html>upstream refused athina-api-key: " + testAPIKey + "</html>"},
		{http.StatusServiceUnavailable, strings.Repeat("x", 246) + testAPIKey},
	}
	for _, b := range bodies {
		t.Run(fmt.Sprint(b.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(b.status)
				_, _ = w.Write([]byte(b.body))
			}))
			defer srv.Close()
			exp := newTestExporter(t, srv.URL, nil)

			err := exp.ConsumeTraces(context.Background(), chatTraces(1))
			require.NoError(t, exp.Shutdown(context.Background())) // flushes the rejection summary

			// Rejections are logged, transient failures returned: one of
			// the two carries the API's message.
			text := fmt.Sprint(err)
			for _, entry := range exp.logs.All() {
				text += entry.Message + fmt.Sprint(entry.ContextMap())
			}
			assert.Contains(t, text, "[REDACTED]", "the message is kept, the key replaced")
			assert.NotContains(t, text, testAPIKey[:8], "not even the start of the key")
		})
	}
}

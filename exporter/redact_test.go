package athinaexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestRedactedContentNeverLeaves configures redact and checks the bytes on
// the wire: no prompt or response text leaves, the record is still one the
// API accepts, and it says what was withheld.
func TestRedactedContentNeverLeaves(t *testing.T) {
	api := standin.New(testAPIKey)
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(body))
		mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) {
		c.Redact = config.RedactConfig{
			Fields:           []string{"prompt", "response"},
			CustomAttributes: []string{"span_name"},
		}
	})

	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(3)))

	require.Len(t, api.Records(), 3, "redacted records are valid records")
	mu.Lock()
	defer mu.Unlock()
	for _, body := range bodies {
		assert.NotContains(t, body, "question")
		assert.NotContains(t, body, "answer")
		assert.NotContains(t, body, "chat gpt-4o-mini", "the span_name custom attribute")
	}
	rec := api.Records()[0]
	assert.Equal(t, []any{map[string]any{"role": "user", "content": "[REDACTED]"}}, rec["prompt"])
	assert.Equal(t, "[REDACTED]", rec["response"])
	assert.Equal(t, "[REDACTED]", rec["user_query"])
	custom := rec["custom_attributes"].(map[string]any)
	assert.Equal(t, []any{"prompt", "response", "custom_attributes.span_name"}, custom["redacted_fields"])
	assert.Equal(t, "openai", custom["provider"], "other custom attributes stay")
}

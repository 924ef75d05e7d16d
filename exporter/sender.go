package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxErrorBody caps how much of an error response is read for the message;
// a proxy's HTML error page must not be buffered whole.
const maxErrorBody = 4 << 10

// outcome is what became of one record's POST.
type outcome struct {
	action     action
	status     int           // HTTP status; 0 for a network error or an encoding failure
	retryAfter time.Duration // from Retry-After on 429 and 503
	err        error         // why it was not sent; nil when sent
}

// sender POSTs one encoded record per request to the log API.
type sender struct {
	client *http.Client
	url    string
	apiKey string
}

func (s *sender) post(ctx context.Context, body []byte) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return outcome{action: actionDrop, err: fmt.Errorf("building request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("athina-api-key", s.apiKey)

	resp, err := s.client.Do(req)
	if err != nil {
		// Connection refused, reset or timed out: the API may be back soon.
		return outcome{action: actionRetry, err: fmt.Errorf("posting record: %w", err)}
	}
	defer func() {
		// Drain a little so the keep-alive connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, maxErrorBody)
		_ = resp.Body.Close()
	}()

	act := classifyStatus(resp.StatusCode)
	if act == actionSent {
		return outcome{action: actionSent, status: resp.StatusCode}
	}
	out := outcome{
		action: act,
		status: resp.StatusCode,
		err:    fmt.Errorf("athina answered %d: %s", resp.StatusCode, readErrorMessage(s.scrubbed(resp.Body))),
	}
	if honoursRetryAfter(resp.StatusCode) {
		out.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return out
}

// scrubbed returns the start of an error response with the API key
// removed, before anything quotes or cuts it: an API that echoes the key it
// refused ("invalid key sk-…") must not put it in our logs.
func (s *sender) scrubbed(body io.Reader) io.Reader {
	raw, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	if s.apiKey != "" {
		raw = bytes.ReplaceAll(raw, []byte(s.apiKey), []byte("[REDACTED]"))
	}
	return bytes.NewReader(raw)
}

// readErrorMessage extracts Athina's {"error": ..., "details": {"message": ...}}
// and falls back to the raw text, so a proxy's plain or HTML error still says
// something.
func readErrorMessage(body io.Reader) string {
	raw, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	var parsed struct {
		Error   string `json:"error"`
		Details struct {
			Message string `json:"message"`
		} `json:"details"`
	}
	if json.Unmarshal(raw, &parsed) == nil && parsed.Error != "" {
		if parsed.Details.Message != "" && parsed.Details.Message != parsed.Error {
			return parsed.Error + ": " + parsed.Details.Message
		}
		return parsed.Error
	}
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return "(empty body)"
	}
	const maxQuoted = 256
	if len(text) > maxQuoted {
		text = text[:maxQuoted] + "…"
	}
	return text
}

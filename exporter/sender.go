package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	// template holds what every request shares (method, parsed URL,
	// host); each request is a copy of it made by WithContext.
	template *http.Request
	timeout  time.Duration
	// header values, shared read-only by every request: a RoundTripper
	// must not modify the request it is given.
	contentType, apiKeyValue []string
	apiKey                   string
}

func newSender(client *http.Client, endpoint, apiKey string) (*sender, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("parsing the log URL: %w", err)
	}
	template := &http.Request{
		Method:     http.MethodPost,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Host:       u.Host,
	}
	return &sender{
		client: client, template: template, timeout: client.Timeout,
		contentType: []string{"application/json"}, apiKeyValue: []string{apiKey},
		apiKey: apiKey,
	}, nil
}

// post sends body as one record. It hands the request straight to the
// client's transport: http.Client would clone the headers for redirects
// on every request, and following a redirect is wrong here anyway (a 301
// from http:// to https:// becomes a GET that loses the record), so a 3xx
// is an answer like any other. Only a client with a cookie jar goes
// through http.Client, which is where cookies are kept.
func (s *sender) post(ctx context.Context, p *poster, body []byte) outcome {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	req := s.template.WithContext(ctx)
	// The header map is the poster's, emptied for each request: a
	// middleware (confighttp's headers, say) may set headers on the
	// request it is given.
	clear(p.header)
	p.header["Content-Type"], p.header["Athina-Api-Key"] = s.contentType, s.apiKeyValue
	req.Header = p.header
	// Only a body net/http knows to be in memory goes out in the headers'
	// write; any other type costs a write syscall of its own.
	req.Body = io.NopCloser(bytes.NewReader(body))
	p.body = body
	defer func() { p.body = nil }()
	req.GetBody = p.getBody
	req.ContentLength = int64(len(body))

	var resp *http.Response
	var err error
	if s.client.Jar != nil {
		resp, err = s.client.Do(req)
	} else {
		resp, err = s.client.Transport.RoundTrip(req)
	}
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
	msg := readErrorMessage(s.scrubbed(resp.Body))
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		msg = "redirected to " + loc + "; set endpoint to the API's own address"
	}
	out := outcome{
		action: act,
		status: resp.StatusCode,
		err:    fmt.Errorf("athina answered %d: %s", resp.StatusCode, msg),
	}
	if honoursRetryAfter(resp.StatusCode) {
		out.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return out
}

// poster is what one sending goroutine reuses from POST to POST: a
// request's header map and its GetBody. A RoundTripper may use the request
// only until the response's body is closed, which post does before it
// returns, so the next request may have them.
type poster struct {
	header  http.Header
	body    []byte // the body of the request in flight, for getBody
	getBody func() (io.ReadCloser, error)
}

func newPoster() *poster {
	p := &poster{header: make(http.Header, 2)}
	// The transport sends the body again when a reused connection turns
	// out to be closed, or HTTP/2 refuses the stream.
	p.getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(p.body)), nil }
	return p
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

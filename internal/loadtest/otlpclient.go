package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// OTLPClient posts OTLP/HTTP protobuf export requests to a collector's
// receiver and counts what the receiver did with them.
type OTLPClient struct {
	url    string
	client *http.Client

	mu       sync.Mutex
	accepted int            // spans the receiver answered 2xx for
	refused  int            // spans of requests answered otherwise or not at all (each attempt)
	reasons  map[string]int // refused spans by HTTP status or "network error"
}

// NewOTLPClient posts to http://<endpoint>/v1/traces with up to conns
// keep-alive connections.
func NewOTLPClient(endpoint string, conns int) *OTLPClient {
	return &OTLPClient{
		url: "http://" + endpoint + "/v1/traces",
		client: &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				MaxIdleConns:        conns,
				MaxIdleConnsPerHost: conns,
				IdleConnTimeout:     90 * time.Second,
			},
		},
		reasons: map[string]int{},
	}
}

// Send posts one export request holding spans spans once. It reports whether
// the receiver accepted it; a refusal is counted, not returned as an error.
func (c *OTLPClient) Send(ctx context.Context, body []byte, spans int) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		c.count(spans, "building request: "+err.Error())
		return false
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false // the run is over; not the receiver's doing
		}
		c.count(spans, "network error")
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		c.count(spans, "")
		return true
	}
	c.count(spans, fmt.Sprintf("HTTP %d", resp.StatusCode))
	return false
}

// SendUntilAccepted sends body again after each refusal, waiting 50 ms
// doubling to 1 s in between, as an SDK exporter retries 429 and 503. It
// gives up when ctx is done.
func (c *OTLPClient) SendUntilAccepted(ctx context.Context, body []byte, spans int) bool {
	wait := 50 * time.Millisecond
	for {
		if c.Send(ctx, body, spans) {
			return true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}

func (c *OTLPClient) count(spans int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if reason == "" {
		c.accepted += spans
		return
	}
	c.refused += spans
	c.reasons[reason] += spans
}

// Counts returns the spans accepted, the span refusals, and the refusals by
// reason.
func (c *OTLPClient) Counts() (accepted, refused int, reasons map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	reasons = make(map[string]int, len(c.reasons))
	for k, v := range c.reasons {
		reasons[k] = v
	}
	return c.accepted, c.refused, reasons
}

// Close closes the idle connections.
func (c *OTLPClient) Close() { c.client.CloseIdleConnections() }

package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// action is what the exporter does with a record after the API answered.
type action int

const (
	actionSent  action = iota // accepted; done
	actionDrop                // rejected for good; counted, never retried
	actionRetry               // may succeed later; the record's span goes back to the retry sender
)

func (a action) String() string {
	switch a {
	case actionSent:
		return "sent"
	case actionDrop:
		return "drop"
	default:
		return "retry"
	}
}

// classifyStatus maps one response status to what happens to its record.
// Athina documents no status codes of its own, so this follows what its SDKs
// and the collector's HTTP exporters do: throttling and server errors are
// transient, a malformed or unauthorised record will fail the same way again.
func classifyStatus(code int) action {
	switch {
	case code >= 200 && code < 300:
		return actionSent
	case code == http.StatusRequestTimeout,
		code == http.StatusTooManyRequests,
		code >= 500 && code < 600:
		return actionRetry
	default:
		// 400, 401, 403, 404, 413, 422 and any other answer that is neither
		// success nor transient.
		return actionDrop
	}
}

// honoursRetryAfter reports whether a Retry-After header on this status
// sets the wait before the next attempt.
func honoursRetryAfter(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

// parseRetryAfter reads a Retry-After value, either delay-seconds or an
// HTTP date. It returns 0 when the header is absent or malformed, which
// leaves the wait to the configured backoff.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.Atoi(value); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// dropReason is the value of the records_dropped metric's reason attribute.
func dropReason(code int) string {
	return "status_" + strconv.Itoa(code)
}

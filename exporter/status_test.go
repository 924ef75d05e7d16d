package athinaexporter

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 2 ", 2 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, parseRetryAfter(tt.value, now), "Retry-After %q", tt.value)
	}
}

func TestReadErrorMessage(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`{"error":"Invalid request","details":{"message":"language_model_id is required"}}`, "Invalid request: language_model_id is required"},
		{`{"error":"Invalid API key"}`, "Invalid API key"},
		{"<html>502 Bad Gateway</html>", "<html>502 Bad Gateway</html>"},
		{"", "(empty body)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, readErrorMessage(stringReader(tt.body)))
	}
}

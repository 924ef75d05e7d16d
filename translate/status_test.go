package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestStatus(t *testing.T) {
	type exception struct{ typ, msg string }
	tests := []struct {
		name      string
		code      ptrace.StatusCode
		message   string
		attrs     map[string]any
		exception *exception
		wantCode  int
		wantError string
	}{
		{name: "unset", code: ptrace.StatusCodeUnset, wantCode: 200},
		{name: "ok", code: ptrace.StatusCodeOk, wantCode: 200},
		{name: "exception event alone is not an error", exception: &exception{"ValueError", "x"}, wantCode: 200},
		{name: "http.response.status_code", code: ptrace.StatusCodeError, message: "Error code: 429 - {}",
			attrs: map[string]any{"http.response.status_code": 503}, wantCode: 503, wantError: "Error code: 429 - {}"},
		{name: "http.status_code as string", code: ptrace.StatusCodeError,
			attrs: map[string]any{"http.status_code": "502", "error.type": "RateLimitError"}, wantCode: 502, wantError: "RateLimitError"},
		{name: "http status out of range is ignored", code: ptrace.StatusCodeError,
			attrs: map[string]any{"http.response.status_code": 42, "error.type": "NotFoundError"}, wantCode: 404, wantError: "NotFoundError"},
		{name: "numeric error.type without status", attrs: map[string]any{"error.type": "404"}, wantCode: 404, wantError: "404"},
		{name: "python message", code: ptrace.StatusCodeError, message: "Error code: 400 - {'error': 'bad'}",
			attrs: map[string]any{"error.type": "RateLimitError"}, wantCode: 400, wantError: "Error code: 400 - {'error': 'bad'}"},
		{name: "typescript message", code: ptrace.StatusCodeError, message: "401 Incorrect API key provided",
			wantCode: 401, wantError: "401 Incorrect API key provided"},
		{name: "digits without a space are not a status", code: ptrace.StatusCodeError, message: "4040 errors",
			wantCode: 500, wantError: "4040 errors"},
		{name: "exception message", code: ptrace.StatusCodeError, exception: &exception{"APIStatusError", "Error code: 529 - overloaded"},
			wantCode: 529, wantError: "APIStatusError: Error code: 529 - overloaded"},
		{name: "class from error.type", code: ptrace.StatusCodeError, message: "quota",
			attrs: map[string]any{"error.type": "openai.RateLimitError"}, wantCode: 429, wantError: "quota"},
		{name: "class from exception.type", code: ptrace.StatusCodeError, exception: &exception{"anthropic.AuthenticationError", ""},
			wantCode: 401, wantError: "anthropic.AuthenticationError"},
		{name: "permission denied", attrs: map[string]any{"error.type": "PermissionDeniedError"}, wantCode: 403, wantError: "PermissionDeniedError"},
		{name: "bad request", attrs: map[string]any{"error.type": "BadRequestError"}, wantCode: 400, wantError: "BadRequestError"},
		{name: "unprocessable", attrs: map[string]any{"error.type": "UnprocessableEntityError"}, wantCode: 422, wantError: "UnprocessableEntityError"},
		{name: "internal", attrs: map[string]any{"error.type": "InternalServerError"}, wantCode: 500, wantError: "InternalServerError"},
		{name: "api timeout", attrs: map[string]any{"error.type": "APITimeoutError"}, wantCode: 408, wantError: "APITimeoutError"},
		{name: "python timeout", attrs: map[string]any{"error.type": "httpx.ReadTimeout"}, wantCode: 408, wantError: "httpx.ReadTimeout"},
		{name: "unknown class", code: ptrace.StatusCodeError, attrs: map[string]any{"error.type": "_OTHER"}, wantCode: 500, wantError: "_OTHER"},
		{name: "nothing known", code: ptrace.StatusCodeError, wantCode: 500},
		{name: "exception message only", code: ptrace.StatusCodeError, exception: &exception{"", "boom"}, wantCode: 500, wantError: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			span.Status().SetCode(tt.code)
			span.Status().SetMessage(tt.message)
			putAttrs(t, span.Attributes(), tt.attrs)
			if tt.exception != nil {
				ev := span.Events().AppendEmpty()
				ev.SetName("exception")
				ev.Attributes().PutStr("exception.type", tt.exception.typ)
				ev.Attributes().PutStr("exception.message", tt.exception.msg)
			}
			code, msg := status(span)
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, tt.wantError, msg)
		})
	}
}

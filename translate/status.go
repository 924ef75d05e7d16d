package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// defaultErrorCode is the status_code of a failed call whose HTTP status
// nothing on the span reveals.
const defaultErrorCode = 500

// status returns a record's status_code and error (spec S.4). A span
// succeeded unless its status is ERROR or it names an error.type; then code
// is the provider's HTTP status as best the span tells it.
//
// OTel span status is not an HTTP code and no convention carries the
// provider's status on the LLM span, hence the guessing: an HTTP attribute,
// a numeric error.type, the status line the OpenAI/Anthropic SDKs put in
// their error messages, the SDK's error class.
func status(span ptrace.Span) (code int, msg string) {
	attrs := span.Attributes()
	errType := str(getAttr(attrs, "error.type"))
	if span.Status().Code() != ptrace.StatusCodeError && errType == "" {
		return 200, ""
	}

	statusMsg := span.Status().Message()
	exType, exMsg := firstException(span.Events())

	code = httpStatus(attrs)
	if code == 0 {
		code = statusIn(errType)
	}
	for _, s := range [...]string{statusMsg, exMsg} {
		if code == 0 {
			code = statusInMessage(s)
		}
	}
	if code == 0 {
		code = statusOfClass(errType)
	}
	if code == 0 {
		code = statusOfClass(exType)
	}
	if code == 0 {
		code = defaultErrorCode
	}

	switch {
	case statusMsg != "":
		msg = statusMsg
	case exType != "" && exMsg != "":
		msg = exType + ": " + exMsg
	case exMsg != "" || exType != "":
		msg = exType + exMsg
	default:
		msg = errType
	}
	return code, msg
}

// httpStatus returns the HTTP response status recorded on the span, or 0.
func httpStatus(attrs pcommon.Map) int {
	for _, key := range [...]string{"http.response.status_code", "http.status_code"} {
		if n, ok := intValue(getAttr(attrs, key)); ok && n >= 100 && n <= 599 {
			return int(n)
		}
	}
	return 0
}

// statusIn returns s as an HTTP status when s is exactly one, or 0.
func statusIn(s string) int {
	if len(s) != 3 {
		return 0
	}
	return leadingStatus(s)
}

// statusInMessage finds the HTTP status in an SDK error message: Python
// Stainless SDKs (openai, anthropic) write "Error code: 429 - {...}", the
// TypeScript ones "429 Rate limit reached...". 0 when there is none.
func statusInMessage(s string) int {
	if rest, ok := strings.CutPrefix(s, "Error code: "); ok {
		return leadingStatus(rest)
	}
	if len(s) > 3 && s[3] == ' ' {
		return leadingStatus(s)
	}
	return 0
}

// leadingStatus parses the three digits s starts with as an HTTP status
// (100–599), or returns 0.
func leadingStatus(s string) int {
	if len(s) < 3 {
		return 0
	}
	n := 0
	for i := range 3 {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n < 100 || n > 599 {
		return 0
	}
	return n
}

// statusOfClass maps an SDK error class (openai, anthropic and other
// Stainless SDKs; a module prefix such as "openai." is ignored) to the HTTP
// status it stands for, or 0.
func statusOfClass(name string) int {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "":
		return 0
	case "BadRequestError":
		return 400
	case "AuthenticationError":
		return 401
	case "PermissionDeniedError":
		return 403
	case "NotFoundError":
		return 404
	case "ConflictError":
		return 409
	case "UnprocessableEntityError":
		return 422
	case "RateLimitError":
		return 429
	case "InternalServerError":
		return 500
	}
	if strings.Contains(strings.ToLower(name), "timeout") {
		return 408
	}
	return 0
}

// firstException returns the type and message of the first exception
// event.
func firstException(events ptrace.SpanEventSlice) (typ, msg string) {
	for i := 0; i < events.Len(); i++ {
		if ev := events.At(i); ev.Name() == "exception" {
			attrs := ev.Attributes()
			return str(getAttr(attrs, "exception.type")), str(getAttr(attrs, "exception.message"))
		}
	}
	return "", ""
}

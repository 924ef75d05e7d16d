package standin

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidate(t *testing.T) {
	tests := map[string]string{
		okRecord: "",
		`{"language_model_id":"m","prompt":"hi"}`:       "",
		`{"language_model_id":"","prompt":[]}`:          "language_model_id is required and must be a non-empty string",
		`{"language_model_id":"m"}`:                     "prompt is required",
		`{"language_model_id":"m","prompt":3}`:          "prompt must be a string or an array of messages",
		`[{"language_model_id":"m","prompt":[]}]`:       "body must be a single JSON object",
		`{"language_model_id":"m","prompt":[]} {}`:      "body must be a single JSON object",
		`{"language_model_id":"m","prompt":[]`:          "body is not valid JSON: unexpected EOF",
		"{\"language_model_id\":\"m\xff\",\"prompt\":[]}": "body is not valid UTF-8",
		`{"prompt":[],"language_model_id":"` + strings.Repeat("x", MaxBodyBytes) + `"}`: "body exceeds 8388608 bytes",
	}
	for body, want := range tests {
		err := Validate([]byte(body))
		name := body[:min(len(body), 60)]
		if want == "" {
			assert.NoError(t, err, name)
		} else {
			assert.EqualError(t, err, want, name)
		}
	}
}

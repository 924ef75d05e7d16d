package standin

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidate(t *testing.T) {
	huge := `{"prompt":[],"language_model_id":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	tests := []struct{ body, want string }{
		{okRecord, ""},
		{`{"language_model_id":"m","prompt":"hi"}`, ""},
		{`{"language_model_id":"","prompt":[]}`, "language_model_id is required and must be a non-empty string"},
		{`{"language_model_id":"m"}`, "prompt is required"},
		{`{"language_model_id":"m","prompt":3}`, "prompt must be a string or an array of messages"},
		{`[{"language_model_id":"m","prompt":[]}]`, "body must be a single JSON object"},
		{`{"language_model_id":"m","prompt":[]} {}`, "body must be a single JSON object"},
		{`{"language_model_id":"m","prompt":[]`, "body is not valid JSON: unexpected EOF"},
		{"{\"language_model_id\":\"m\xff\",\"prompt\":[]}", "body is not valid UTF-8"},
		{huge, "body exceeds 8388608 bytes"},
	}
	for _, tt := range tests {
		err := Validate([]byte(tt.body))
		name := tt.body[:min(len(tt.body), 60)]
		if tt.want == "" {
			assert.NoError(t, err, name)
		} else {
			assert.EqualError(t, err, tt.want, name)
		}
	}
}

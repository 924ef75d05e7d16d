package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

// loadRedact reads a redact block over the defaults, as an SRE writes it.
func loadRedact(t *testing.T, redact map[string]any) (*Config, error) {
	t.Helper()
	cfg := NewDefault()
	cm := confmap.NewFromStringMap(map[string]any{"api_key": "test-key", "redact": redact})
	require.NoError(t, cm.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestRedactDefaultsToNothing(t *testing.T) {
	assert.Equal(t, RedactConfig{}, NewDefault().Redact)
}

func TestRedactKeys(t *testing.T) {
	cfg, err := loadRedact(t, map[string]any{
		"fields":            []any{"prompt", "response", "context", "tool_arguments"},
		"custom_attributes": []any{"server_address"},
	})
	require.NoError(t, err)
	assert.Equal(t, RedactConfig{
		Fields:           []string{"prompt", "response", "context", "tool_arguments"},
		CustomAttributes: []string{"server_address"},
	}, cfg.Redact)
}

func TestRedactRejectsUnknownNames(t *testing.T) {
	_, err := loadRedact(t, map[string]any{
		"fields":            []any{"prompt", "completion"},
		"custom_attributes": []any{"ok", " "},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(),
		`redact.fields[1]: unknown field "completion", must be one of prompt, response, context, tool_arguments`)
	assert.Contains(t, err.Error(), "redact.custom_attributes[1]: must not be empty")

	cm := confmap.NewFromStringMap(map[string]any{"redact": map[string]any{"field": []any{"prompt"}}})
	assert.ErrorContains(t, cm.Unmarshal(NewDefault()), "'redact' has invalid keys: field",
		"a misspelt key is an error, not silently no redaction")
}

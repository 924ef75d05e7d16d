package standin

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// Validate applies to one request body the record checks the stand-in
// applies before it accepts a record: at most MaxBodyBytes, one JSON object,
// a non-empty language_model_id, a prompt. It also requires valid UTF-8,
// which the stand-in's decoder would silently repair but a stricter API
// (one that decodes bytes as UTF-8 before parsing) would reject. Tests of
// the exporter's output use it without a server.
func Validate(body []byte) error {
	if len(body) > MaxBodyBytes {
		return errors.New(tooLarge())
	}
	if !utf8.Valid(body) {
		return errors.New("body is not valid UTF-8")
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errors.New("body must be a single JSON object")
	}
	if _, status, msg := checkFull(body, false); status != 0 {
		return errors.New(msg)
	}
	return nil
}

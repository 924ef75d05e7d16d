package standin // import "github.com/athina-otel/athinaexporter/internal/standin"

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// This file holds the stand-in's request checks: what makes a POST a valid
// inference-log record, and the status Athina would answer otherwise.

// checked is a valid record: its external_reference_id, and (unless the
// server counts only) its compacted JSON. rec is the decoded record when the
// server keeps records or a fault function needs it, else nil.
type checked struct {
	ref string
	rec map[string]any
	raw []byte
}

// check validates a log request. It returns the record, or a non-zero status
// with the reason. wantMap asks for the decoded record even in CountOnly mode.
func (s *Server) check(r *http.Request, wantMap bool) (c checked, status int, msg string) {
	key := r.Header.Get("athina-api-key")
	if key == "" || subtle.ConstantTimeCompare([]byte(key), s.apiKey) != 1 {
		return c, http.StatusUnauthorized, "missing or wrong athina-api-key header"
	}

	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return c, http.StatusBadRequest, "Content-Type must be application/json"
	}

	body, status, msg := readBody(r)
	if status != 0 {
		return c, status, msg
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}
	if s.countOnly && !wantMap {
		return checkLean(body)
	}
	return checkFull(body, !s.countOnly)
}

// checkFull decodes the record into a map and, when keep, compacts it.
func checkFull(body []byte, keep bool) (c checked, status int, msg string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&c.rec); err != nil {
		return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}

	if id, ok := c.rec["language_model_id"].(string); !ok || id == "" {
		return c, http.StatusBadRequest, "language_model_id is required and must be a non-empty string"
	}
	switch c.rec["prompt"].(type) {
	case string, []any, map[string]any:
	case nil:
		return c, http.StatusBadRequest, "prompt is required"
	default:
		return c, http.StatusBadRequest, "prompt must be a string or an array of messages"
	}
	c.ref, _ = c.rec["external_reference_id"].(string)

	if keep {
		var compact bytes.Buffer
		if err := json.Compact(&compact, body); err != nil {
			return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
		}
		c.raw = compact.Bytes()
	}
	return c, 0, ""
}

// checkLean applies checkFull's rules while decoding only the fields it
// checks, for CountOnly mode: the prompt is validated as JSON but not built.
func checkLean(body []byte) (c checked, status int, msg string) {
	var rec struct {
		LanguageModelID     json.RawMessage `json:"language_model_id"`
		Prompt              json.RawMessage `json:"prompt"`
		ExternalReferenceID json.RawMessage `json:"external_reference_id"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&rec); err != nil {
		return c, http.StatusBadRequest, "body is not valid JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, http.StatusBadRequest, "body must be a single JSON object"
	}

	var id string
	if len(rec.LanguageModelID) == 0 || rec.LanguageModelID[0] != '"' ||
		json.Unmarshal(rec.LanguageModelID, &id) != nil || id == "" {
		return c, http.StatusBadRequest, "language_model_id is required and must be a non-empty string"
	}
	switch {
	case len(rec.Prompt) == 0 || string(rec.Prompt) == "null":
		return c, http.StatusBadRequest, "prompt is required"
	case rec.Prompt[0] != '"' && rec.Prompt[0] != '[' && rec.Prompt[0] != '{':
		return c, http.StatusBadRequest, "prompt must be a string or an array of messages"
	}
	if len(rec.ExternalReferenceID) > 0 && rec.ExternalReferenceID[0] == '"' {
		_ = json.Unmarshal(rec.ExternalReferenceID, &c.ref) // a valid JSON string: Decode checked the body
	}
	return c, 0, ""
}

// readBody reads the request body, decompressing it per Content-Encoding, and
// enforces MaxBodyBytes on both the sent and the decompressed size.
func readBody(r *http.Request) ([]byte, int, string) {
	if r.ContentLength > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge()
	}
	var body io.Reader = io.LimitReader(r.Body, MaxBodyBytes+1)

	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, http.StatusBadRequest, "body is not valid gzip: " + err.Error()
		}
		defer zr.Close()
		body = zr
	case "zlib", "deflate":
		zr, err := zlib.NewReader(body)
		if err != nil {
			return nil, http.StatusBadRequest, "body is not valid " + enc + ": " + err.Error()
		}
		defer zr.Close()
		body = zr
	default:
		return nil, http.StatusUnsupportedMediaType, "unsupported Content-Encoding " + strconv.Quote(enc)
	}

	data, err := io.ReadAll(io.LimitReader(body, MaxBodyBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, "reading body: " + err.Error()
	}
	if len(data) > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge()
	}
	return data, 0, ""
}

func tooLarge() string {
	return fmt.Sprintf("body exceeds %d bytes", MaxBodyBytes)
}

package athinaexporter

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zapcore"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestTLSIsVerified runs the stand-in behind TLS with a self-signed
// certificate: without configuration the exporter refuses it (a retryable
// network error, nothing arrives); with tls.ca_file naming the certificate,
// or with insecure_skip_verify, records arrive.
func TestTLSIsVerified(t *testing.T) {
	api := standin.New(testAPIKey)
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, os.WriteFile(caFile, cert, 0o600))

	t.Run("default", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)

		err := exp.ConsumeTraces(context.Background(), chatTraces(1))

		require.Error(t, err)
		assert.Contains(t, err.Error(), "certificate")
		assert.False(t, consumererror.IsPermanent(err), "a TLS failure is retried: the certificate may be fixed")
		var retry consumererror.Traces
		assert.True(t, errors.As(err, &retry))
		assert.Zero(t, api.Requests(), "nothing reached the API")
	})
	t.Run("ca_file", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.ClientConfig.TLS.CAFile = caFile })

		require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(1)))
	})
	t.Run("insecure_skip_verify", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.ClientConfig.TLS.InsecureSkipVerify = true })

		require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(1)))
	})
	assert.Len(t, api.Records(), 2)
}

// TestPlaintextRemoteEndpointWarns: the warning is logged once, at start,
// for a plain http:// endpoint off this host, and for no other.
func TestPlaintextRemoteEndpointWarns(t *testing.T) {
	for endpoint, warns := range map[string]bool{
		"http://athina.internal:18080": true,
		"http://127.0.0.1:18080":       false,
		"https://log.athina.ai":        false,
	} {
		exp := newTestExporter(t, endpoint, nil)

		lines := exp.logs.FilterLevelExact(zapcore.WarnLevel).FilterMessageSnippet("plain http://").All()
		if !warns {
			assert.Empty(t, lines, endpoint)
			continue
		}
		require.Len(t, lines, 1, endpoint)
		assert.Equal(t, endpoint, lines[0].ContextMap()["endpoint"])
		assert.Contains(t, lines[0].Message, "unencrypted")
	}
}

// TestHTTPClientTelemetry: the collector's own tracer sees a client span
// per record POST only when http_client_telemetry is on; by default the
// client is not wrapped and records still arrive.
func TestHTTPClientTelemetry(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprintf("http_client_telemetry=%t", on), func(t *testing.T) {
			api := standin.New(testAPIKey)
			srv := httptest.NewServer(api)
			defer srv.Close()
			exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.HTTPClientTelemetry = on })

			require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(3)))

			assert.Len(t, api.Records(), 3)
			clientSpans := 0
			for _, s := range exp.telemetry.SpanRecorder.Ended() {
				if s.SpanKind() == trace.SpanKindClient {
					clientSpans++
				}
			}
			if on {
				assert.Equal(t, 3, clientSpans, "one client span per POST")
			} else {
				assert.Zero(t, clientSpans)
			}
		})
	}
}

// TestRedirectIsNotFollowed: an endpoint that redirects (http:// to
// https://, say) is not followed with a GET that would lose the record;
// the record is dropped as a rejection whose message names where the API
// pointed, and nothing else is sent.
func TestRedirectIsNotFollowed(t *testing.T) {
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			gets.Add(1)
		}
		http.Redirect(w, r, "https://api.example.test/api/v2/log/inference", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, nil)

	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(1)), "a rejection is not a failed batch")

	assert.Zero(t, gets.Load(), "the redirect was not followed")
	warnings := exp.logs.FilterMessageSnippet("rejected").All()
	require.NotEmpty(t, warnings)
	assert.Contains(t, fmt.Sprint(warnings[0].Context), "redirected to https://api.example.test/api/v2/log/inference")
}

// TestCookiesAreKept: with the client's cookies option on, a cookie the API
// sets (a load balancer's affinity cookie, say) comes back on the next POST.
func TestCookiesAreKept(t *testing.T) {
	var withCookie atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("affinity"); err == nil && c.Value == "node-2" {
			withCookie.Add(1)
		}
		http.SetCookie(w, &http.Cookie{Name: "affinity", Value: "node-2"})
		_, _ = io.WriteString(w, `{"status":"success"}`)
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) {
		c.MaxConcurrency = 1
		c.ClientConfig.Cookies = configoptional.Some(confighttp.CookiesConfig{})
	})

	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(3)))

	assert.Equal(t, int32(2), withCookie.Load(), "every POST after the first carries the cookie")
}

// TestConfiguredHeadersOnEveryRequest: headers from the client config
// reach the API on every POST, next to the API key, with requests in
// flight at once (each request has its own header map: run with -race).
func TestConfiguredHeadersOnEveryRequest(t *testing.T) {
	var tagged, keyed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Team") == "checkout" {
			tagged.Add(1)
		}
		if r.Header.Get("athina-api-key") == testAPIKey && r.Header.Get("Content-Type") == "application/json" {
			keyed.Add(1)
		}
		_, _ = io.WriteString(w, `{"status":"success"}`)
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) {
		c.MaxConcurrency = 8
		c.ClientConfig.Headers = configopaque.MapList{{Name: "X-Team", Value: "checkout"}}
	})

	require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(40)))

	assert.Equal(t, int32(40), tagged.Load())
	assert.Equal(t, int32(40), keyed.Load())
}

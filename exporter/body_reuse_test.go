package athinaexporter

import (
	"context"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/config"
)

// TestEarlyAnswerDoesNotShareTheBody: a server (an auth proxy, say) may
// answer before it has read a request's body, and the transport may then
// still be writing the body after RoundTrip returned. Neither the body
// buffer nor the request's header map may be reused for the next record
// while that write goes on: under -race (make test) this test fails if
// they are. Every other request is read and accepted, so buffers and
// header maps are reused from record to record, over HTTP/1.1 and HTTP/2.
func TestEarlyAnswerDoesNotShareTheBody(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			var (
				mu     sync.Mutex
				protos = map[string]int{}
				n      int
			)
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				early := n%2 == 1
				protos[r.Proto]++
				mu.Unlock()
				if early {
					w.WriteHeader(http.StatusUnauthorized) // without reading the body
					return
				}
				_, _ = io.Copy(io.Discard, r.Body)
			}))
			srv.EnableHTTP2 = h2
			srv.StartTLS()
			defer srv.Close()
			caFile := filepath.Join(t.TempDir(), "ca.pem")
			cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			require.NoError(t, os.WriteFile(caFile, cert, 0o600))
			exp := newTestExporter(t, srv.URL, func(c *config.Config) {
				c.MaxConcurrency = 1
				c.ClientConfig.TLS.CAFile = caFile
			})

			td := chatTraces(20)
			big := strings.Repeat("a long question ", 8<<10) // 128 KiB: many writes, not one
			spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			for i := 0; i < spans.Len(); i++ {
				if v, ok := spans.At(i).Attributes().Get("gen_ai.input.messages"); ok {
					v.SetStr(`[{"role":"user","parts":[{"type":"text","content":"` + big + `"}]}]`)
				}
			}
			require.NoError(t, exp.ConsumeTraces(context.Background(), td)) // 401s are dropped, not retried
			want := "HTTP/1.1"
			if h2 {
				want = "HTTP/2.0"
			}
			require.Equal(t, map[string]int{want: 20}, protos)
		})
	}
}

package e2e

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/internal/collectortest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

// api is the stand-in of Athina's log API served on a fixed loopback
// address, which a test can take down (connection refused) and bring back
// on the same port, as an API restart or outage looks to the exporter.
type api struct {
	*standin.Server
	addr string

	mu  sync.Mutex
	srv *httptest.Server
}

// newAPI returns the stand-in for apiKey on a free loopback port, not yet
// listening. It is taken down when the test ends.
func newAPI(t *testing.T) *api {
	a := &api{Server: standin.New(apiKey), addr: collectortest.FreeAddr(t)}
	t.Cleanup(a.down)
	return a
}

// URL is the endpoint to configure, valid whether or not the API is up.
func (a *api) URL() string { return "http://" + a.addr }

// up starts listening on the API's port. The port was free when newAPI
// picked it; binding is retried briefly in case a closing connection holds
// it.
func (a *api) up(t *testing.T) {
	t.Helper()
	var ln net.Listener
	require.Eventually(t, func() bool {
		var err error
		ln, err = net.Listen("tcp", a.addr)
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "cannot listen on %s again", a.addr)

	srv := httptest.NewUnstartedServer(lateAnswers(a.Server))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	a.mu.Lock()
	a.srv = srv
	a.mu.Unlock()
}

// down stops listening: new connections are refused. It waits for the
// requests in progress to finish.
func (a *api) down() {
	a.mu.Lock()
	srv := a.srv
	a.srv = nil
	a.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// lateBody is the response body of a Fault that stores the record but
// answers only after lateBy, when the client has given up: an API that
// committed the record and then was too slow to say so. The record is then
// sent again, a duplicate the test counts.
const (
	lateBody = `{"status":"success","late":true}`
	lateBy   = time.Second
)

func storedButLate() standin.Fault { return standin.Fault{Body: lateBody} }

// lateAnswers holds back the stand-in's lateBody answers by lateBy, or until
// the client gives up; every other answer passes through at once.
func lateAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)

		if bytes.Equal(rec.Body.Bytes(), []byte(lateBody)) {
			t := time.NewTimer(lateBy)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

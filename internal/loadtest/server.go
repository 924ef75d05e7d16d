package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server serves a handler on a fixed 127.0.0.1 port and can be taken down
// (listener and open connections closed, so clients get connection refused)
// and brought back up on the same port.
type Server struct {
	handler http.Handler
	addr    string
	tls     *TLSCert // nil: plain HTTP

	mu  sync.Mutex
	srv *http.Server // nil while down
}

// NewServer serves handler on a free 127.0.0.1 port, over HTTPS (HTTP/2
// or HTTP/1.1, as the client asks) with cert, or plain HTTP/1.1 if cert
// is nil.
func NewServer(handler http.Handler, cert *TLSCert) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{handler: handler, addr: ln.Addr().String(), tls: cert}
	s.serve(ln)
	return s, nil
}

func (s *Server) serve(ln net.Listener) {
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	if s.tls == nil {
		go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
		return
	}
	// ServeTLS with a TLSConfig and no TLSNextProto also serves HTTP/2.
	s.srv.TLSConfig = s.tls.Config.Clone()
	go func(srv *http.Server) { _ = srv.ServeTLS(ln, "", "") }(s.srv)
}

// URL is http://127.0.0.1:<port>, or https:// when serving TLS.
func (s *Server) URL() string {
	if s.tls != nil {
		return "https://" + s.addr
	}
	return "http://" + s.addr
}

// Down closes the listener and every connection at once; requests in flight
// get no answer. It does nothing if the server is down.
func (s *Server) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// Up listens on the same port again. Go sets SO_REUSEADDR, so the port's
// closed connections in TIME_WAIT do not stand in the way.
func (s *Server) Up() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listening on %s again: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
}

// Close stops the server for good, waiting up to 5 s for requests in flight.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	s.srv = nil
}

// Sink stands in for an OTLP/HTTP backend receiving JSON: it counts the spans
// of each export request (by their "spanId" keys, which the load test's spans
// have once each and nowhere else) and discards them.
type Sink struct {
	spans    atomic.Int64
	requests atomic.Int64
	bufs     sync.Pool
}

var spanIDKey = []byte(`"spanId"`)

// ServeHTTP answers POST /v1/traces with an empty 200.
func (k *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		http.Error(w, "POST /v1/traces only", http.StatusNotFound)
		return
	}
	buf, _ := k.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		k.bufs.Put(buf)
	}()
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, 64<<20)); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	k.requests.Add(1)
	k.spans.Add(int64(bytes.Count(buf.Bytes(), spanIDKey)))
	w.WriteHeader(http.StatusOK)
}

// Spans is how many spans have arrived.
func (k *Sink) Spans() int { return int(k.spans.Load()) }

// Requests is how many export requests have arrived.
func (k *Sink) Requests() int { return int(k.requests.Load()) }

// waitFor polls count every 20 ms until it reaches n or ctx is done, and
// returns the time the count was first seen at n.
func waitFor(ctx context.Context, n int, count func() int) (time.Time, error) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if got := count(); got >= n {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Now(), fmt.Errorf("waiting for %d, have %d: %w", n, count(), ctx.Err())
		case <-tick.C:
		}
	}
}

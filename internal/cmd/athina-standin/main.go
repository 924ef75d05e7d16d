// Command athina-standin serves the local stand-in of Athina's inference-log
// API (package standin) on a loopback address, for demos and manual tests. It
// is not a server for production.
//
//	athina-standin -addr 127.0.0.1:18080 -api-key demo-key
//
// GET /records shows what it accepted, GET /healthz answers 200. It stops on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "loopback address to listen on")
	apiKey := flag.String("api-key", os.Getenv("ATHINA_API_KEY"), "API key to accept (default $ATHINA_API_KEY)")
	flag.Parse()

	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("athina-standin: ")
	if err := run(*addr, *apiKey); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

func run(addr, apiKey string) error {
	if apiKey == "" {
		return errors.New("no API key: pass -api-key or set ATHINA_API_KEY")
	}
	if err := checkLoopback(addr); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newHandler(apiKey), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Printf("listening on http://%s (POST /api/v2/log/inference, GET /records)", ln.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Print("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// checkLoopback refuses any address but a loopback one: the stand-in accepts
// any record from anyone who has the demo key, so it must not be reachable
// from other hosts.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: -addr must be a loopback address such as 127.0.0.1:18080", addr)
}

// newHandler is the stand-in with one log line per accepted record and per
// rejected request.
func newHandler(apiKey string) http.Handler {
	s := standin.New(apiKey)
	s.SetFault(func(rec map[string]any) standin.Fault {
		log.Printf("record: model=%v status_code=%v ref=%v",
			rec["language_model_id"], rec["status_code"], rec["external_reference_id"])
		return standin.Fault{}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		s.ServeHTTP(rw, r)
		if rw.status >= 300 {
			log.Printf("%s %s: answered %d", r.Method, r.URL.Path, rw.status)
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

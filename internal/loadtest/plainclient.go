package loadtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// The plain client runs in a process of its own (this binary with -mode
// client), so that its CPU is measured apart from the stand-in's: what one
// POST per record costs a client that does nothing else is the floor of
// any exporter that must send records one by one.

// ClientOptions tell the plain client's process what to send where. Run
// and End make it build the very spans the parent built.
type ClientOptions struct {
	URL        string
	Run        uint64    // the spans' run id (NewSpans)
	End        time.Time // the spans' end time
	Spans      int
	BatchSpans int
	InFlight   int
	CAFile     string // with TLS: the stand-in's certificate
}

// Args are the command-line flags that hand o to the child process.
func (o ClientOptions) Args() []string {
	return []string{"-mode", "client", "-client-url", o.URL,
		"-client-run", strconv.FormatUint(o.Run, 10), "-client-end", strconv.FormatInt(o.End.UnixNano(), 10),
		"-spans", strconv.Itoa(o.Spans), "-batch", strconv.Itoa(o.BatchSpans),
		"-client-inflight", strconv.Itoa(o.InFlight), "-client-ca", o.CAFile}
}

// ClientResult is what the plain client's process prints, as one JSON
// line: its own CPU and wall time while posting (building the bodies
// before is not counted), and how many POSTs failed.
type ClientResult struct {
	CPU    time.Duration `json:"cpu"`
	Wall   time.Duration `json:"wall"`
	Failed int           `json:"failed"`
	Err    string        `json:"err,omitempty"`
}

// RunPlainClient is the child process's side: it posts the record bodies
// of the spans with o.InFlight workers over keep-alive connections, built
// as confighttp builds the exporter's transport (HTTP/2 when the server
// offers it over TLS).
func RunPlainClient(ctx context.Context, o ClientOptions) ClientResult {
	bodies, err := buildBodies(NewSpans(o.Run), o.Spans, o.BatchSpans, o.End)
	if err != nil {
		return ClientResult{Err: err.Error()}
	}
	transport := &http.Transport{
		MaxIdleConns: o.InFlight, MaxIdleConnsPerHost: o.InFlight, IdleConnTimeout: 90 * time.Second,
		ForceAttemptHTTP2: true,
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return ClientResult{Err: err.Error()}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return ClientResult{Err: "no certificate in " + o.CAFile}
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	self0, err := ReadProcStats("self")
	if err != nil {
		return ClientResult{Err: err.Error()}
	}
	start := time.Now()
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range o.InFlight {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) || ctx.Err() != nil {
					return
				}
				if !postRecord(ctx, client, o.URL, bodies[i]) {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res := ClientResult{Wall: time.Since(start), Failed: int(failed.Load())}
	self1, err := ReadProcStats("self")
	if err != nil {
		res.Err = err.Error()
	}
	res.CPU = self1.CPU - self0.CPU
	if ctx.Err() != nil {
		res.Err = ctx.Err().Error()
	}
	return res
}

func postRecord(ctx context.Context, client *http.Client, url string, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("athina-api-key", APIKey)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// plainClient runs the plain client's process against a fresh stand-in:
// the most the stand-in can take here, and what the client spent on it.
func (o LoadOptions) plainClient(ctx context.Context, spans *Spans, end time.Time, inFlight int) (run Run) {
	run = Run{Name: "plain Go client → stand-in (the limit)", Sent: o.Spans}
	api := standin.New(APIKey, standin.CountOnly())
	proto := &protocolSeen{handler: api}
	srv, err := NewServer(proto, o.cert)
	if err != nil {
		run.Err = err
		return run
	}
	defer srv.Close()
	defer func() { run.Protocol = proto.String() }() // run is the named result
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	self, err := os.Executable()
	if err != nil {
		run.Err = err
		return run
	}
	co := ClientOptions{URL: srv.URL() + "/api/v2/log/inference", Run: spans.RunID(), End: end,
		Spans: o.Spans, BatchSpans: o.BatchSpans, InFlight: inFlight}
	if o.cert != nil {
		co.CAFile = o.cert.CAFile
	}
	cmd := exec.CommandContext(ctx, self, co.Args()...)
	cmd.Stderr = os.Stderr
	dieWithParent(cmd)
	self0, _ := ReadProcStats("self")
	out, err := cmd.Output()
	self1, _ := ReadProcStats("self")
	run.SelfCPU = self1.CPU - self0.CPU
	if err != nil {
		run.Err = fmt.Errorf("plain client process: %w", err)
		return run
	}
	var res ClientResult
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil {
		run.Err = fmt.Errorf("plain client process printed %q: %w", out, err)
		return run
	}
	run.Wall, run.ClientCPU = res.Wall, res.CPU
	o.count(&run, spans, api.References())
	if res.Err != "" {
		run.Err = errors.New(res.Err)
	}
	if res.Failed > 0 {
		run.Err = errors.Join(run.Err, fmt.Errorf("%d POSTs failed", res.Failed))
	}
	return run
}

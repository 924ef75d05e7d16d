package loadtest

import (
	"context"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/athina-otel/athinaexporter/internal/standin"
)

// TestPlainClientSendsTheParentsSpans: the plain client's process is told
// only a run id and an end time, and must build and post the very records
// the parent expects, each once, over HTTPS as well.
func TestPlainClientSendsTheParentsSpans(t *testing.T) {
	cert, err := NewTLSCert(filepath.Join(t.TempDir(), "ca.pem"))
	require.NoError(t, err)
	api := standin.New(APIKey, standin.CountOnly())
	srv, err := NewServer(api, cert)
	require.NoError(t, err)
	defer srv.Close()

	spans := NewSpans(uint64(time.Now().UnixNano()))
	o := ClientOptions{URL: srv.URL() + "/api/v2/log/inference", Run: spans.RunID(), End: time.Now(),
		Spans: 300, BatchSpans: 128, InFlight: 4, CAFile: cert.CAFile}
	res := RunPlainClient(context.Background(), o)
	require.Empty(t, res.Err)
	assert.Zero(t, res.Failed)
	assert.Positive(t, res.Wall)

	run := Run{Sent: o.Spans}
	LoadOptions{}.count(&run, spans, api.References())
	assert.Equal(t, Run{Sent: 300, Delivered: 300}, run)
}

// TestClientArgsCarryEveryOption: the flags the parent passes name every
// option, with values the child's flag parsing reads back unchanged.
func TestClientArgsCarryEveryOption(t *testing.T) {
	o := ClientOptions{URL: "https://127.0.0.1:1/x", Run: 1<<63 + 5, End: time.Unix(0, 1_796_314_632_123_456_789),
		Spans: 7, BatchSpans: 3, InFlight: 2, CAFile: "/tmp/ca.pem"}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	mode := fs.String("mode", "", "")
	url := fs.String("client-url", "", "")
	run := fs.Uint64("client-run", 0, "")
	end := fs.Int64("client-end", 0, "")
	spans := fs.Int("spans", 0, "")
	batch := fs.Int("batch", 0, "")
	inFlight := fs.Int("client-inflight", 0, "")
	ca := fs.String("client-ca", "", "")
	require.NoError(t, fs.Parse(o.Args()))

	assert.Equal(t, "client", *mode)
	got := ClientOptions{URL: *url, Run: *run, End: time.Unix(0, *end), Spans: *spans, BatchSpans: *batch,
		InFlight: *inFlight, CAFile: *ca}
	assert.Equal(t, o.End.UnixNano(), got.End.UnixNano())
	got.End = o.End
	assert.Equal(t, o, got)
}

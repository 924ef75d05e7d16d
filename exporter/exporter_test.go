package athinaexporter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap/zapcore"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/exporter/internal/metadatatest"
	"github.com/athina-otel/athinaexporter/internal/standin"
)

var metricOpts = []metricdatatest.Option{metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars()}

// TestEveryStatusCode is the status table: for each answer the API can
// give, what happens to the record.
func TestEveryStatusCode(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter string
		want       action
		throttle   string // the wait the retry sender is told, if any
	}{
		{status: 200, want: actionSent},
		{status: 201, want: actionSent},
		{status: 202, want: actionSent},
		{status: 400, want: actionDrop},
		{status: 401, want: actionDrop},
		{status: 403, want: actionDrop},
		{status: 404, want: actionDrop},
		{status: 405, want: actionDrop},
		{status: 408, want: actionRetry},
		{status: 413, want: actionDrop},
		{status: 415, want: actionDrop},
		{status: 422, want: actionDrop},
		{status: 429, want: actionRetry},
		{status: 429, retryAfter: "7", want: actionRetry, throttle: "Throttle (7s)"},
		{status: 500, want: actionRetry},
		{status: 501, want: actionRetry},
		{status: 502, want: actionRetry},
		{status: 503, want: actionRetry},
		{status: 503, retryAfter: "3", want: actionRetry, throttle: "Throttle (3s)"},
		{status: 504, want: actionRetry},
		// Retry-After only sets the wait on 429 and 503.
		{status: 500, retryAfter: "9", want: actionRetry},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%s", tt.status, tt.retryAfter), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(`{"error":"stand-in says ` + http.StatusText(tt.status) + `"}`))
			}))
			defer srv.Close()
			exp := newTestExporter(t, srv.URL, nil)

			err := exp.ConsumeTraces(context.Background(), chatTraces(1))

			assert.Equal(t, tt.want, classifyStatus(tt.status))
			switch tt.want {
			case actionSent:
				require.NoError(t, err)
				metadatatest.AssertEqualExporterAthinaRecordsSent(t, exp.telemetry,
					[]metricdata.DataPoint[int64]{{Value: 1}}, metricOpts...)
			case actionDrop:
				require.NoError(t, err, "a rejected record must not fail its batch")
				metadatatest.AssertEqualExporterAthinaRecordsDropped(t, exp.telemetry,
					[]metricdata.DataPoint[int64]{{
						Value:      1,
						Attributes: attribute.NewSet(attribute.String("reason", fmt.Sprintf("status_%d", tt.status))),
					}}, metricOpts...)
			case actionRetry:
				require.Error(t, err)
				assert.False(t, consumererror.IsPermanent(err))
				var retry consumererror.Traces
				require.True(t, errors.As(err, &retry), "the error carries the spans to retry")
				assert.Equal(t, []pcommon.SpanID{testSpanID(0)}, spanIDs(retry.Data()),
					"only the LLM span is retried, not the skipped HTTP span")
				assert.Contains(t, err.Error(), fmt.Sprintf("athina answered %d", tt.status))
				if tt.throttle != "" {
					assert.Contains(t, err.Error(), tt.throttle)
				} else {
					assert.NotContains(t, err.Error(), "Throttle")
				}
			}
		})
	}
}

func TestNetworkErrorIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	exp := newTestExporter(t, url, nil)

	err := exp.ConsumeTraces(context.Background(), chatTraces(2))

	var retry consumererror.Traces
	require.True(t, errors.As(err, &retry))
	assert.Equal(t, []pcommon.SpanID{testSpanID(0), testSpanID(1)}, spanIDs(retry.Data()))
	assert.Contains(t, err.Error(), "2 of 2 records will be retried")
}

// TestOneRejectedRecordNeverSinksItsBatch sends a batch in which the API
// rejects one record (400) and answers another with 503: the rest arrive,
// the 400 is dropped and counted, and only the 503 one goes back for retry.
func TestOneRejectedRecordNeverSinksItsBatch(t *testing.T) {
	api := standin.New(testAPIKey)
	var failTransiently atomic.Bool
	failTransiently.Store(true)
	api.SetFault(func(rec map[string]any) standin.Fault {
		switch rec["external_reference_id"] {
		case externalID(3):
			return standin.Fault{Status: http.StatusBadRequest}
		case externalID(7):
			if failTransiently.Load() {
				return standin.Fault{Status: http.StatusServiceUnavailable}
			}
		}
		return standin.Fault{}
	})
	srv := httptest.NewServer(api)
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.MaxConcurrency = 4 })

	err := exp.ConsumeTraces(context.Background(), chatTraces(10))

	var retry consumererror.Traces
	require.True(t, errors.As(err, &retry))
	assert.Equal(t, []pcommon.SpanID{testSpanID(7)}, spanIDs(retry.Data()))
	assert.Len(t, api.Records(), 8)

	failTransiently.Store(false)
	require.NoError(t, exp.ConsumeTraces(context.Background(), retry.Data()))

	var ids []string
	for _, rec := range api.Records() {
		ids = append(ids, rec["external_reference_id"].(string))
	}
	var want []string
	for i := range 10 {
		if i != 3 {
			want = append(want, externalID(i))
		}
	}
	assert.ElementsMatch(t, want, ids, "every record but the rejected one arrived, once")

	metadatatest.AssertEqualExporterAthinaRecordsSent(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: 9}}, metricOpts...)
	metadatatest.AssertEqualExporterAthinaRecordsDropped(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "status_400"))}},
		metricOpts...)
	metadatatest.AssertEqualExporterAthinaSpansSkipped(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: 1}}, metricOpts...)

	warns := exp.logs.FilterLevelExact(zapcore.WarnLevel).All()
	require.Len(t, warns, 1, "one summary line for the rejected record")
	assert.Contains(t, warns[0].Message, "Athina rejected records")
}

// TestBadKeyIsOneErrorLine rejects every record with 401 over several
// batches: one error line says what to fix, not one per record.
func TestBadKeyIsOneErrorLine(t *testing.T) {
	api := standin.New("the-right-key")
	srv := httptest.NewServer(api)
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, nil)

	for range 3 {
		require.NoError(t, exp.ConsumeTraces(context.Background(), chatTraces(5)))
	}

	errs := exp.logs.FilterLevelExact(zapcore.ErrorLevel).All()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Message, "Athina rejects the API key")
	assert.Empty(t, exp.logs.FilterLevelExact(zapcore.WarnLevel).All())
	metadatatest.AssertEqualExporterAthinaRecordsDropped(t, exp.telemetry,
		[]metricdata.DataPoint[int64]{{Value: 15, Attributes: attribute.NewSet(attribute.String("reason", "status_401"))}},
		metricOpts...)
}

// TestAPIKeyNeverLogged drives every path that logs or returns an error and
// checks the key appears in none of them, while it is sent as the header.
func TestAPIKeyNeverLogged(t *testing.T) {
	var calls atomic.Int64
	var sawKey atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawKey.Store(r.Header.Get("athina-api-key") == testAPIKey)
		codes := []int{401, 400, 500, 200, 429}
		w.WriteHeader(codes[int(calls.Add(1)-1)%len(codes)])
	}))
	defer srv.Close()
	exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.MaxConcurrency = 1 })

	var errText strings.Builder
	for range 5 {
		if err := exp.ConsumeTraces(context.Background(), chatTraces(1)); err != nil {
			errText.WriteString(err.Error())
		}
	}
	require.NoError(t, exp.Shutdown(context.Background()))

	assert.True(t, sawKey.Load(), "the key is sent as the athina-api-key header")
	assert.NotEmpty(t, exp.logs.All())
	assert.NotEmpty(t, errText.String())
	for _, entry := range exp.logs.All() {
		line := entry.Message + fmt.Sprint(entry.ContextMap())
		assert.NotContains(t, line, testAPIKey)
	}
	assert.NotContains(t, errText.String(), testAPIKey)
}

func TestPlaintextRemoteEndpoint(t *testing.T) {
	tests := map[string]bool{
		"https://log.athina.ai":        false,
		"http://127.0.0.1:18080":       false,
		"http://localhost:18080":       false,
		"http://[::1]:18080":           false,
		"http://athina.internal:18080": true,
		"http://10.0.0.5":              true,
	}
	for endpoint, want := range tests {
		assert.Equal(t, want, plaintextRemote(endpoint), endpoint)
	}
}

// TestUnreachableAPIStopsTheFanOut: once a POST gets no answer, the rest of
// the batch is handed back for retry without being tried.
func TestUnreachableAPIStopsTheFanOut(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		requests.Add(1)
		panic(http.ErrAbortHandler) // the connection drops with no answer
	}))
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	exp := newTestExporter(t, srv.URL, func(c *config.Config) { c.MaxConcurrency = 4 })

	err := exp.ConsumeTraces(context.Background(), chatTraces(100))

	var retry consumererror.Traces
	require.True(t, errors.As(err, &retry))
	assert.Equal(t, 100, retry.Data().SpanCount(), "every record goes back for retry")
	assert.LessOrEqual(t, requests.Load(), int64(4), "at most the requests already in flight were tried")
}

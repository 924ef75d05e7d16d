package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
)

// rejectionSummaryEvery spaces the summary lines about dropped records: a
// pipeline that sends one malformed record per batch must not log per batch.
const rejectionSummaryEvery = 10 * time.Second

// rejectionLog turns records the API rejected for good into few log lines:
// one error when the API key stops working (and one line when it works
// again), and otherwise one summary of rejections per interval. The counts
// themselves go to the records_dropped metric.
type rejectionLog struct {
	logger *zap.Logger
	now    func() time.Time

	mu          sync.Mutex
	authFailing bool
	pending     int64
	byStatus    map[int]int64
	lastErr     error
	lastLogged  time.Time
}

func newRejectionLog(logger *zap.Logger) *rejectionLog {
	return &rejectionLog{logger: logger, now: time.Now, byStatus: map[int]int64{}}
}

// record notes one record dropped for good; status is 0 when it never
// reached the API (it could not be encoded). Auth failures are logged at
// once; other rejections wait for flushDue or flush.
func (l *rejectionLog) record(status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		if !l.authFailing {
			l.authFailing = true
			l.logger.Error("Athina rejects the API key: records are dropped until api_key is fixed. Check that the key is set (api_key: ${env:ATHINA_API_KEY}) and still valid.",
				zap.Int("status", status), zap.Error(err))
		}
		return
	}

	l.pending++
	l.byStatus[status]++
	l.lastErr = err
}

// flushDue logs what is pending unless a summary was logged within the
// interval. The exporter calls it once per batch, after recording the
// batch's rejections, so a batch's rejections share one line.
func (l *rejectionLog) flushDue() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.now().Sub(l.lastLogged) >= rejectionSummaryEvery {
		l.flushLocked()
	}
}

// accepted notes that the API took a record, which clears a key failure.
func (l *rejectionLog) accepted() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.authFailing {
		l.authFailing = false
		l.logger.Info("Athina accepts the API key again; records are being sent.")
	}
}

// flush logs what is pending now, for shutdown.
func (l *rejectionLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *rejectionLog) flushLocked() {
	if l.pending == 0 {
		return
	}
	fields := []zap.Field{zap.Int64("dropped_records", l.pending), zap.Error(l.lastErr)}
	for status, n := range l.byStatus {
		key := "encoding_failures"
		if status != 0 {
			key = dropReason(status)
		}
		fields = append(fields, zap.Int64(key, n))
	}
	l.logger.Warn("Athina rejected records; they are dropped, not retried, and counted in otelcol_exporter_athina_records_dropped.", fields...)

	l.pending = 0
	clear(l.byStatus)
	l.lastErr = nil
	l.lastLogged = l.now()
}

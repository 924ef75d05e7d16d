package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"

import (
	"context"
	"errors"
	"sync/atomic"

	"go.opentelemetry.io/collector/exporter"
)

// errHalted is why POSTs cut short by a shutdown failed.
var errHalted = errors.New("athina exporter is shutting down and the API is not answering")

// halt bounds a shutdown while the API hangs. Shutdown drains the queue
// through pushTraces, and each POST waits up to the client timeout; with a
// hung API a batch of thousands of records would take thousands of
// timeouts. So once shutdown has begun, halting cancels every POST in
// flight and every later one fails at once: when the caller's deadline
// passes, or as soon as one POST fails without an answer (the API is
// unreachable, retrying is over). The records go back as retryable: a
// persistent queue keeps them for the next start; an in-memory queue drops
// them, as it would have after the retries it no longer makes.
//
// Outside shutdown a hung API costs one client timeout per batch attempt:
// sendAll stops a batch's fan-out at the first POST that gets no answer.
type halt struct {
	ctx      context.Context // cancelled when halted
	cancel   context.CancelCauseFunc
	stopping atomic.Bool
}

func newHalt() *halt {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &halt{ctx: ctx, cancel: cancel}
}

// bind returns ctx, cancelled also when the exporter halts. Call stop when
// the push is done.
func (h *halt) bind(ctx context.Context) (bound context.Context, stop func()) {
	bound, cancel := context.WithCancelCause(ctx)
	unhook := context.AfterFunc(h.ctx, func() { cancel(errHalted) })
	return bound, func() {
		unhook()
		cancel(nil)
	}
}

// noteOutcome halts when, during shutdown, a POST got no answer at all.
func (h *halt) noteOutcome(out outcome) {
	if out.action == actionRetry && out.status == 0 && h.stopping.Load() {
		h.cancel(errHalted)
	}
}

// haltingTraces is the traces component with a Shutdown that honours its
// context's deadline and stops waiting on an unreachable API.
type haltingTraces struct {
	exporter.Traces
	halt *halt
}

func (t haltingTraces) Shutdown(ctx context.Context) error {
	t.halt.stopping.Store(true)
	unhook := context.AfterFunc(ctx, func() { t.halt.cancel(errHalted) })
	defer unhook()
	return t.Traces.Shutdown(ctx)
}

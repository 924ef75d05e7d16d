package e2e

import (
	"fmt"
	"testing"
	"time"
)

// delivery is what became of the records a test sent, counted by
// external_reference_id. Delivery is at least once: a record the API stored
// but answered too late for is sent again, so duplicates are counted and
// reported, never a failure. Lost must be 0.
type delivery struct {
	sent, arrived, duplicates, lost, unexpected int
}

func (d delivery) String() string {
	return fmt.Sprintf("sent %5d | arrived %5d | duplicates %4d | lost %4d",
		d.sent, d.arrived, d.duplicates, d.lost)
}

// tally compares the ids sent with how many times each arrived.
func tally(sent []string, arrivals map[string]int) delivery {
	d := delivery{sent: len(sent)}
	want := make(map[string]bool, len(sent))
	for _, id := range sent {
		want[id] = true
		switch n := arrivals[id]; {
		case n == 0:
			d.lost++
		default:
			d.arrived++
			d.duplicates += n - 1
		}
	}
	for id, n := range arrivals {
		if !want[id] {
			d.unexpected += n
		}
	}
	return d
}

// awaitDelivery waits at most timeout for every sent record to arrive at
// the API, then a moment for stragglers (late duplicates), and returns the
// tally.
func awaitDelivery(t *testing.T, a *api, sent []string, timeout time.Duration) delivery {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for tally(sent, a.References()).lost > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	return tally(sent, a.References())
}

// logMatrixRow writes one row of the fault matrix, so that `go test -v`
// output reads as the table in the README.
func logMatrixRow(t *testing.T, scenario string, d delivery, took time.Duration) {
	t.Helper()
	t.Logf("fault matrix | %-40s | %s | %5.1fs", scenario, d, took.Seconds())
}

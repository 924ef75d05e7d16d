package loadtest

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	stat := "4242 (otel col) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 566 0 0 20 0 12 0 100 0 0\n"

	cpu, err := parseStatCPU([]byte(stat))

	require.NoError(t, err)
	assert.Equal(t, 18*time.Second, cpu, "(1234 + 566) ticks of 10 ms")
}

func TestParseStatCPURejectsGarbage(t *testing.T) {
	for _, stat := range []string{"", "4242 no name", "4242 (x) S 1 2"} {
		_, err := parseStatCPU([]byte(stat))
		assert.Error(t, err, stat)
	}
}

func TestParseStatusMemory(t *testing.T) {
	status := "Name:\totelcol\nVmPeak:\t  900000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t12\n"

	rss, hwm := parseStatusMemory([]byte(status))

	assert.Equal(t, int64(100<<20), rss)
	assert.Equal(t, int64(200<<20), hwm)
}

func TestReadProcStatsOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	st, err := ReadProcStats("self")

	require.NoError(t, err)
	assert.Positive(t, st.RSS)
	assert.GreaterOrEqual(t, st.HWM, st.RSS)
}

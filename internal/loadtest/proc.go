package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports (getconf CLK_TCK).
const clockTicks = 100

// ProcStats is what /proc says about one process.
type ProcStats struct {
	CPU time.Duration // user + system time so far
	RSS int64         // resident set size now, bytes (VmRSS)
	HWM int64         // peak resident set size, bytes (VmHWM)
}

// ReadProcStats reads the stats of process pid ("self" for this one).
func ReadProcStats(pid string) (ProcStats, error) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return ProcStats{}, err
	}
	cpu, err := parseStatCPU(stat)
	if err != nil {
		return ProcStats{}, fmt.Errorf("/proc/%s/stat: %w", pid, err)
	}
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return ProcStats{}, err
	}
	rss, hwm := parseStatusMemory(status)
	return ProcStats{CPU: cpu, RSS: rss, HWM: hwm}, nil
}

// parseStatCPU returns utime + stime from the contents of /proc/<pid>/stat.
// The command name (field 2) may hold spaces and parentheses, so fields are
// counted from the last ')'; utime and stime are fields 14 and 15.
func parseStatCPU(stat []byte) (time.Duration, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("no command name in %q", stat)
	}
	fields := strings.Fields(string(stat[end+1:])) // fields[0] is field 3, the state
	if len(fields) < 13 {
		return 0, fmt.Errorf("only %d fields after the command name", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("utime/stime %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// parseStatusMemory returns VmRSS and VmHWM, in bytes, from the contents of
// /proc/<pid>/status; a line that is missing gives 0.
func parseStatusMemory(status []byte) (rss, hwm int64) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// Machine describes the host for the results: CPUs, CPU model, Go version.
func Machine() string {
	model := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(info)) {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(value)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (nproc), %s, %s %s/%s", runtime.NumCPU(), model,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// LoadAverage is the 1-minute load average from /proc/loadavg, or "?".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Collector is a running otelcol-athina process whose output goes to a log
// file.
type Collector struct {
	cmd     *exec.Cmd
	ready   chan struct{} // closed when the collector logs "Everything is ready"
	exited  chan struct{} // closed when the process has exited
	waitErr error         // how it exited; read only after exited is closed
	logPath string
}

// StartCollector runs bin with the config at cfgPath, writes its output to
// logPath and waits (at most 30 s) until it is ready. env is added to this
// process's environment.
func StartCollector(ctx context.Context, bin, cfgPath, logPath string, env ...string) (*Collector, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}

	c := &Collector{ready: make(chan struct{}), exited: make(chan struct{}), logPath: logPath}
	c.cmd = exec.Command(bin, "--config="+cfgPath)
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = pw, pw
	dieWithParent(c.cmd)
	err = c.cmd.Start()
	pw.Close() // the child holds its own copy; EOF comes when it exits
	if err != nil {
		pr.Close()
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go c.copyOutput(pr, logFile)
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()

	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case <-c.ready:
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("collector exited before it was ready (%v); see %s", c.waitErr, logPath)
	case <-timeout.C:
		err = fmt.Errorf("collector not ready after 30s; see %s", logPath)
	case <-ctx.Done():
		err = ctx.Err()
	}
	c.Stop(5 * time.Second)
	return nil, err
}

// copyOutput copies the collector's output to the log file until the process
// closes it, and closes ready at the line that says it is ready.
func (c *Collector) copyOutput(pr *os.File, logFile *os.File) {
	defer pr.Close()
	defer logFile.Close()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := false
	for sc.Scan() {
		line := sc.Text()
		_, _ = io.WriteString(logFile, line+"\n")
		if !seen && strings.Contains(line, "Everything is ready") {
			seen = true
			close(c.ready)
		}
	}
}

// PID is the collector's process id, as /proc names it.
func (c *Collector) PID() string { return strconv.Itoa(c.cmd.Process.Pid) }

// Stats reads the collector's CPU time and memory from /proc.
func (c *Collector) Stats() (ProcStats, error) { return ReadProcStats(c.PID()) }

// LogPath is where the collector's output goes.
func (c *Collector) LogPath() string { return c.logPath }

// Exited is closed once the process has exited.
func (c *Collector) Exited() <-chan struct{} { return c.exited }

// Stop sends SIGTERM and waits up to grace for a clean exit (the collector
// drains its queue on shutdown), then kills the process. It returns how the
// process exited; a kill is an error.
func (c *Collector) Stop(grace time.Duration) error {
	select {
	case <-c.exited:
		return c.waitErr
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.exited:
		return c.waitErr
	case <-t.C:
	}
	_ = c.cmd.Process.Kill()
	<-c.exited
	return errors.New("collector did not stop within " + grace.String() + " of SIGTERM and was killed")
}

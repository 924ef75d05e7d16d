//go:build !linux

package loadtest

import "os/exec"

// dieWithParent does nothing here: only Linux has a parent-death signal. The
// load test reads /proc, so it measures nothing on other systems anyway.
func dieWithParent(*exec.Cmd) {}

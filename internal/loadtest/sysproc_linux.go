package loadtest

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill cmd's process if the load test dies
// without stopping it (a panic, SIGKILL), so no collector is left behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

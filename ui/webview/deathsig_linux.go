package webview

import (
	"os/exec"
	"syscall"
)

// setDeathSignal makes the kernel send the window SIGTERM when the
// supervisor dies, so a killed supervisor leaves no window behind.
func setDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}

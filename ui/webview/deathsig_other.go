//go:build !linux

package webview

import "os/exec"

// setDeathSignal does nothing here: the window watches its parent itself.
func setDeathSignal(*exec.Cmd) {}

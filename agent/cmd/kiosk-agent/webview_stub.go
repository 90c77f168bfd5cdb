//go:build !(webview && cgo)

package main

import (
	"fmt"
	"io"

	"github.com/kiosk-agent/kiosk-agent/ui/webview"
)

// kioskCommand, in a build without the window, says so. The agent runs
// headless all the same; any browser can show its page.
func kioskCommand(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "kiosk-agent kiosk: %v\n"+
		"The agent itself runs without it: open http://127.0.0.1:17321/ (server.listen) in a browser.\n", webview.ErrNotBuilt)
	return 1
}

package webview

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary a helper process instead of running the
// tests: a stand-in window for the supervisor's tests, or (in the webview
// build) a real window (windowHelper).
const helperEnv = "WEBVIEW_TEST_HELPER"

// windowHelper runs a real window in this process; set by the webview
// build's tests.
var windowHelper func() int

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "window":
		os.Exit(windowHelper())
	default:
		os.Exit(fakeWindow(os.Getenv(helperEnv)))
	}
}

// fakeWindow behaves like a window process for the supervisor: "exit:N"
// exits at once with N; "run" runs until SIGTERM and exits 0; "stubborn"
// ignores SIGTERM. It appends its start number to the file in
// WEBVIEW_TEST_STARTS.
func fakeWindow(how string) int {
	if f := os.Getenv("WEBVIEW_TEST_STARTS"); f != "" {
		fh, err := os.OpenFile(f, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
		if err == nil {
			fmt.Fprintln(fh, os.Getenv("WEBVIEW_TEST_START"))
			fh.Close()
		}
	}
	if code, ok := strings.CutPrefix(how, "exit:"); ok {
		n, _ := strconv.Atoi(code)
		return n
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	if how == "stubborn" {
		time.Sleep(time.Minute)
		return 9
	}
	<-sig
	return 0
}

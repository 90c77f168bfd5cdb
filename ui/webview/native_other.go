//go:build webview && cgo && !linux

package webview

import "unsafe"

// On Windows (WebView2) and macOS (WKWebView) the native half of the lock
// is not written yet: the locking script and the navigation rules of the
// page's own CSP apply, the watchdog reloads the page, and the supervisor
// restarts the window.

func nativeInit() error                        { return nil }
func nativeLock(unsafe.Pointer, Options) error { return nil }
func nativeKillWebProcess() bool               { return false }
func nativeZoom() float64                      { return 1 }

//go:build webview && cgo && linux

package webview

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.0
#include <stdlib.h>

int kiosk_gtk_init(void);
int kiosk_setup(void *window, const char *css, int fullscreen, int monitor, int width, int height, int debug);
int kiosk_kill_web_process(void);
double kiosk_zoom(void);
*/
import "C"

import (
	"errors"
	"strings"
	"unsafe"
)

// Event kinds of native_linux.c.
const (
	evLoadStarted  = 1
	evLoadFinished = 2
	evLoadFailed   = 3
	evProcessGone  = 4
	evBlocked      = 5
	evReload       = 6
)

// nativeInit opens the display.
func nativeInit() error {
	if C.kiosk_gtk_init() == 0 {
		return ErrNoDisplay
	}
	return nil
}

// nativeLock locks the WebKit view in webview_go's window (see
// native_linux.c) and places the window.
func nativeLock(window unsafe.Pointer, o Options) error {
	css := C.CString(StyleSheet(o.HideCursor))
	defer C.free(unsafe.Pointer(css))
	if C.kiosk_setup(window, css, cbool(o.Fullscreen), C.int(o.Monitor), C.int(o.Width), C.int(o.Height), cbool(o.Debug)) != 0 {
		return errors.New("the window holds no WebKit view (webview_go changed?)")
	}
	return nil
}

// nativeKillWebProcess terminates the web process; false where WebKit is
// older than 2.34 and cannot.
func nativeKillWebProcess() bool { return C.kiosk_kill_web_process() != 0 }

// nativeZoom is the view's zoom level.
func nativeZoom() float64 { return float64(C.kiosk_zoom()) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

//export kioskAgentAllow
func kioskAgentAllow(uri *C.char) C.int {
	if w := current; w != nil && Allowed(C.GoString(uri), w.origin) {
		return 1
	}
	return 0
}

//export kioskAgentEvent
func kioskAgentEvent(kind C.int, detail *C.char) {
	w := current
	if w == nil {
		return
	}
	d := C.GoString(detail)
	switch kind {
	case evLoadStarted:
		w.log.Debug("load started", "uri", d)
	case evLoadFinished:
		w.loadFinished(d)
	case evLoadFailed:
		uri, msg, _ := strings.Cut(d, "\n")
		w.loadFailed(uri, msg)
	case evProcessGone:
		w.webProcessGone(d)
	case evBlocked:
		w.blocked(d)
	case evReload:
		w.reload()
	}
}

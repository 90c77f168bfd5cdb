// Package webview is the kiosk window: a WebKit view (github.com/webview/webview_go)
// that shows the agent's own page full screen and kiosk-locked, and that
// comes back when anything under it dies.
//
// The window is cgo and needs the WebKitGTK development packages to build,
// so it is behind the build tag "webview" (and cgo). Without them this
// package still builds: Open then returns ErrNotBuilt, and the agent runs
// headless as always. Everything that can be pure Go is (the URL and
// navigation rules, the locking script and style sheet, the watchdog that
// decides what to do when the page stops answering, the supervisor that
// restarts the window process), so it is tested on every platform.
//
// # What "kiosk-locked" means here
//
//   - Full screen on one monitor, no decorations, kept above; with no window
//     manager (a bare X session, as many kiosks run) the window is moved and
//     sized to the monitor itself. Closing the window is refused.
//   - Navigation only within the agent's origin (scheme, host and port of
//     the URL it was opened on) and to about:blank; every other navigation,
//     new window, pop-up, download, file chooser, print dialog, permission
//     request and alert/confirm/prompt dialog is refused, natively (WebKit's
//     policy and signal handlers), not by the page's good will.
//   - No context menu, no zoom (Ctrl+wheel, Ctrl +/-/0, touchpad and
//     touchscreen pinch; the zoom level is pinned to 1), no back/forward keys,
//     no text selection or drags out of the page (a user style sheet and a
//     script that runs before the page's own); F5 and Ctrl+R reload the
//     agent's page.
//   - No developer tools unless Options.Debug.
//
// # When something dies
//
// A WebKit view has two processes: the UI process (this one, GTK) and the
// web process that runs the page. Each way of dying has its own answer:
//
//   - The web process crashes or is killed: WebKit says so
//     ("web-process-terminated"); the window loads the agent's page again,
//     which starts a new web process. The session lives in the agent, so the
//     page resumes it. Three such crashes within a minute end the window
//     process instead (see below), so that the supervisor's back-off applies.
//   - The web process hangs (a script that never returns): the page's
//     heartbeat (a bound function the locking script calls every two
//     seconds) stops; after Options.Watchdog without one the window kills the
//     web process (the case above). If that does not bring the heartbeat
//     back, the window process exits with ExitRestart.
//   - The UI process's main loop hangs: a goroutine posts a tick to it every
//     second; a tick not run within 30 s ends the process with ExitRestart.
//   - The UI process dies (a crash in GTK or WebKit, a kill, the X server
//     going away): the supervisor (Supervisor), the parent process that a
//     technician starts, starts it again, with a back-off from 1 s to 30 s.
//   - The agent is not (yet) listening: the window shows a calm waiting page
//     in Chinese and polls the agent every two seconds, then loads its page.
package webview

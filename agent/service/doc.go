// Package service is the agent's thin service shell, in the manner of
// Tailscale's: everything the operating system's service manager needs sits
// here, around a core that only knows Run(ctx).
//
//   - [Program] adapts a Run(ctx) function to github.com/kardianos/service,
//     and [Serve] runs it: under the Windows service control manager when
//     started by it, in the foreground otherwise (systemd starts a
//     foreground process too), stopping on SIGINT/SIGTERM or the manager's
//     stop request.
//   - [Notify] and its helpers speak systemd's sd_notify protocol in pure Go
//     (READY=1, STOPPING=1, WATCHDOG=1), and [RunWatchdog] keeps systemd's
//     watchdog fed while the agent is healthy. On Windows they do nothing.
//   - [Unit] writes the agent's own systemd unit, and [Control] installs,
//     removes, starts, stops and reports the service.
//   - [AcquireInstance] keeps a second agent from starting beside the first.
package service

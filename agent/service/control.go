package service

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	ksvc "github.com/kardianos/service"
)

// Actions are the words [Control] takes.
var Actions = []string{"install", "uninstall", "start", "stop", "status", "restart"}

// Options describe the service to [Control] and [Serve]. Zero fields take
// the defaults.
type Options struct {
	Name        string // DefaultName
	DisplayName string // DefaultDisplayName (Windows)
	Description string // DefaultDescription
	// Executable is the binary the service manager starts; this process's
	// own when empty.
	Executable string
	// Config is the configuration file the service runs with (run
	// --config FILE); DefaultConfig on Linux, kiosk-agent\kiosk-agent.toml
	// under %ProgramData% on Windows.
	Config string
	// User and Group run the Linux service; DefaultUser.
	User, Group string
	// Groups are the Linux user's supplementary groups, of which install
	// uses those that exist; nil means DefaultGroups.
	Groups []string
	// Accounts creates the Linux user on install; SystemAccounts when nil.
	Accounts Accounts
	// Stdout receives what status prints; Stderr, Serve's last words.
	// os.Stdout and os.Stderr when nil.
	Stdout, Stderr io.Writer
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.DisplayName == "" {
		o.DisplayName = DefaultDisplayName
	}
	if o.Description == "" {
		o.Description = DefaultDescription
	}
	if o.Config == "" {
		o.Config = defaultConfig()
	}
	if o.User == "" {
		o.User = DefaultUser
	}
	if o.Group == "" {
		o.Group = o.User
	}
	if o.Groups == nil {
		o.Groups = DefaultGroups()
	}
	if o.Accounts == nil {
		o.Accounts = SystemAccounts{}
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	return o
}

// executable is o.Executable, or this process's binary with symbolic
// links resolved, as an absolute path.
func (o Options) executable() (string, error) {
	exe := o.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("find this executable: %w", err)
		}
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
	}
	abs, err := filepath.Abs(exe)
	if err != nil {
		return "", fmt.Errorf("executable %s: %w", exe, err)
	}
	return abs, nil
}

// kardianosConfig is the part of kardianos/service's Config that every
// system shares: names, the binary and "run --config FILE".
func (o Options) kardianosConfig() (*ksvc.Config, error) {
	exe, err := o.executable()
	if err != nil {
		return nil, err
	}
	config, err := filepath.Abs(o.Config)
	if err != nil {
		return nil, fmt.Errorf("configuration file %s: %w", o.Config, err)
	}
	return &ksvc.Config{
		Name:        o.Name,
		DisplayName: o.DisplayName,
		Description: o.Description,
		Executable:  exe,
		Arguments:   []string{"run", "--config", config},
		Option:      ksvc.KeyValue{},
	}, nil
}

// Control carries out one of [Actions] on the installed service through
// kardianos/service and the system's service manager: install (on Linux
// also the service user, and our own unit rather than kardianos'), uninstall
// (stopping it first), start, stop, restart, and status, which prints
// "running", "stopped" or "not installed" to o.Stdout. Install and
// uninstall need root (Administrator on Windows).
func Control(action string, o Options) error {
	if !slices.Contains(Actions, action) {
		return fmt.Errorf("service: unknown action %q (want install, uninstall, start, stop, status or restart)", action)
	}
	o = o.withDefaults()
	c, err := o.kardianosConfig()
	if err != nil {
		return fmt.Errorf("service %s: %w", action, err)
	}
	ctl, err := newController(c, o)
	if err != nil {
		return fmt.Errorf("service %s: %w", action, err)
	}
	s, err := ksvc.New(&Program{}, c)
	if err != nil {
		return fmt.Errorf("service %s: %w", action, err)
	}
	switch action {
	case "install":
		err = ctl.install(s)
	case "uninstall":
		if st, serr := s.Status(); serr == nil && st == ksvc.StatusRunning {
			if err := s.Stop(); err != nil {
				return fmt.Errorf("service uninstall: stop %s first: %w", o.Name, err)
			}
		}
		err = s.Uninstall()
	case "start":
		err = s.Start()
	case "stop":
		err = s.Stop()
	case "restart":
		err = s.Restart()
	case "status":
		var text string
		if text, err = statusText(s, ctl); err == nil {
			_, err = fmt.Fprintln(o.Stdout, text)
		}
	}
	if err != nil {
		return fmt.Errorf("service %s (%s): %w", action, ksvc.Platform(), hint(err, o.Name))
	}
	return nil
}

// controller is what differs per platform.
type controller interface {
	// install installs s, with what the platform needs around it.
	install(s ksvc.Service) error
	// installed says whether the service's definition is on the system,
	// for a Status that fails without saying ErrNotInstalled.
	installed() bool
}

// statusText is "running", "stopped" or "not installed". kardianos'
// Status does not always say ErrNotInstalled for a service that is not
// there: under System V (and systemd without systemctl) it returns the
// failed command's error, so the service definition is looked for too.
func statusText(s ksvc.Service, ctl controller) (string, error) {
	st, err := s.Status()
	switch {
	case err == nil && st == ksvc.StatusRunning:
		return "running", nil
	case err == nil && st == ksvc.StatusStopped:
		return "stopped", nil
	case errors.Is(err, ksvc.ErrNotInstalled), !ctl.installed():
		return "not installed", nil
	case err != nil && err.Error() == "service in failed state":
		return "stopped (failed)", nil
	case err != nil:
		return "", err
	}
	return "unknown", nil
}

// hint adds where to look next: missing privileges, or systemctl's bare
// "exit status N" (kardianos keeps its message to itself).
func hint(err error, name string) error {
	var exit *exec.ExitError
	switch {
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%w (run it as root, or as Administrator on Windows)", err)
	case errors.As(err, &exit) && ksvc.Platform() == "linux-systemd":
		return fmt.Errorf(`%w (see "systemctl status %s" and "journalctl -u %s")`, err, name, name)
	}
	return err
}

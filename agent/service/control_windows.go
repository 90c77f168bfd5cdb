//go:build windows

package service

import (
	"os"
	"path/filepath"

	ksvc "github.com/kardianos/service"
)

// defaultConfig is %ProgramData%\kiosk-agent\kiosk-agent.toml, as in
// package config.
func defaultConfig() string {
	dir := os.Getenv("ProgramData")
	if dir == "" {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, DefaultName, "kiosk-agent.toml")
}

type windowsController struct{}

// newController sets the service control manager's settings: start
// automatically, but delayed, after the boot rush (a kiosk's page waits for
// the agent anyway); restart 2 s after a failure, the failure count
// resetting after a minute. The service runs as LocalSystem (kardianos'
// default), which can open the COM ports and USB devices.
func newController(c *ksvc.Config, o Options) (controller, error) {
	c.Option["StartType"] = "automatic"
	c.Option["DelayedAutoStart"] = true
	c.Option["OnFailure"] = "restart"
	c.Option["OnFailureDelayDuration"] = "2s"
	c.Option["OnFailureResetPeriod"] = 60
	return windowsController{}, nil
}

func (windowsController) install(s ksvc.Service) error { return s.Install() }

// installed is true: kardianos' Status says ErrNotInstalled itself on
// Windows.
func (windowsController) installed() bool { return true }

//go:build !linux && !windows

package service

import ksvc "github.com/kardianos/service"

func defaultConfig() string { return DefaultConfig }

// otherController leaves everything to kardianos/service (launchd,
// rc.d …); the agent ships for Linux and Windows only.
type otherController struct{}

func newController(*ksvc.Config, Options) (controller, error) { return otherController{}, nil }

func (otherController) install(s ksvc.Service) error { return s.Install() }

func (otherController) installed() bool { return true }

//go:build linux

package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ksvc "github.com/kardianos/service"
)

// systemdPlatform is kardianos/service's name for systemd.
const systemdPlatform = "linux-systemd"

// unitDir is where kardianos/service writes a system unit.
var unitDir = "/etc/systemd/system"

func defaultConfig() string { return DefaultConfig }

type linuxController struct {
	c *ksvc.Config
	o Options
}

func newController(c *ksvc.Config, o Options) (controller, error) {
	return &linuxController{c: c, o: o}, nil
}

// unitPath is where the installed unit lives.
func (l *linuxController) unitPath() string { return filepath.Join(unitDir, l.o.Name+".service") }

// install creates the service user, then has kardianos/service write our
// unit (through its SystemdScript option), enable it and reload systemd.
// Only under systemd: kardianos' System V, upstart and OpenRC scripts
// would run the agent as root with none of the unit's sandbox. When
// kardianos fails after writing the unit (systemctl enable failing), the
// half-installed unit is removed again.
func (l *linuxController) install(s ksvc.Service) error {
	if p := ksvc.Platform(); p != systemdPlatform {
		return fmt.Errorf("kiosk-agent installs as a systemd service, and this system does not run systemd (kardianos/service found %s); "+
			`install the unit from "kiosk-agent service unit" with your own tools`, p)
	}
	groups, err := existingGroups(l.o.Accounts, l.o.Groups)
	if err != nil {
		return err
	}
	unit := Unit(UnitOptions{
		Binary: l.c.Executable, Config: l.c.Arguments[2], User: l.o.User, Group: l.o.Group,
		Description: l.o.Description, SupplementaryGroups: groups,
	})
	if strings.Contains(unit, "{{") {
		// kardianos/service renders the unit as a template.
		return errors.New(`a path or description contains "{{"`)
	}
	if _, err := EnsureUser(l.o.Accounts, l.o.User, l.o.Group, groups); err != nil {
		return err
	}
	l.c.Option["SystemdScript"] = unit
	path := l.unitPath()
	_, statErr := os.Stat(path)
	existed := statErr == nil
	if err := s.Install(); err != nil {
		if !existed {
			if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
				return fmt.Errorf("%w (and removing the half-installed %s: %v)", err, path, rmErr)
			}
		}
		return err
	}
	return nil
}

// installed says whether kardianos' service definition for this system is
// there.
func (l *linuxController) installed() bool {
	var path string
	switch ksvc.Platform() {
	case systemdPlatform:
		path = l.unitPath()
	case "linux-upstart":
		path = "/etc/init/" + l.o.Name + ".conf"
	case "linux-rcs":
		path = "/etc/rc.d/" + l.o.Name
	default: // unix-systemv, linux-openrc, linux-procd
		path = "/etc/init.d/" + l.o.Name
	}
	_, err := os.Stat(path)
	return err == nil
}

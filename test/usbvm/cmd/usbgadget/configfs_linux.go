//go:build linux

package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// configfsGadget is a gadget built in configfs (libcomposite): one
// configuration with one function.
type configfsGadget struct {
	dir string // /sys/kernel/config/usb_gadget/NAME
	udc string // the controller it is bound to, when bound
}

// newConfigfsGadget creates the gadget with its device strings and the
// function (e.g. "printer.usb0"), whose attributes attrs sets before it
// is linked into the configuration.
func newConfigfsGadget(name string, vid, pid uint16, mfr, product, serial, function string, attrs map[string]string) (*configfsGadget, error) {
	g := &configfsGadget{dir: filepath.Join("/sys/kernel/config/usb_gadget", name)}
	steps := []struct {
		path, value string
	}{
		{"", ""},
		{"idVendor", fmt.Sprintf("0x%04x", vid)},
		{"idProduct", fmt.Sprintf("0x%04x", pid)},
		{"bcdDevice", "0x0100"},
		{"strings/0x409", ""},
		{"strings/0x409/manufacturer", mfr},
		{"strings/0x409/product", product},
		{"strings/0x409/serialnumber", serial},
		{"configs/c.1", ""},
		{"configs/c.1/MaxPower", "100"},
		{"functions/" + function, ""},
	}
	for _, s := range steps {
		p := filepath.Join(g.dir, s.path)
		var err error
		if s.value == "" {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte(s.value), 0o644)
		}
		if err != nil && !errors.Is(err, os.ErrExist) {
			return nil, err
		}
	}
	for k, v := range attrs {
		if err := os.WriteFile(filepath.Join(g.dir, "functions", function, k), []byte(v), 0o644); err != nil {
			return nil, fmt.Errorf("%s %s: %w", function, k, err)
		}
	}
	link := filepath.Join(g.dir, "configs/c.1", function)
	if err := os.Symlink(filepath.Join(g.dir, "functions", function), link); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	return g, nil
}

// bind binds the gadget to the first controller that takes it: the host
// sees the device plugged in.
func (g *configfsGadget) bind() error {
	udcs, err := os.ReadDir("/sys/class/udc")
	if err != nil {
		return err
	}
	var errs []error
	for _, u := range udcs {
		// A controller with a gadget on it names the gadget's function.
		if f, err := os.ReadFile(filepath.Join("/sys/class/udc", u.Name(), "function")); err == nil && strings.TrimSpace(string(f)) != "" {
			continue
		}
		log.Printf("binding to %s", u.Name())
		if err := os.WriteFile(filepath.Join(g.dir, "UDC"), []byte(u.Name()), 0o644); err == nil {
			g.udc = u.Name()
			return nil
		} else {
			errs = append(errs, err)
		}
	}
	return fmt.Errorf("no free controller: %w", errors.Join(errs...))
}

// unbind unbinds the gadget: the host sees the device unplugged.
func (g *configfsGadget) unbind() error {
	g.udc = ""
	return os.WriteFile(filepath.Join(g.dir, "UDC"), []byte("\n"), 0o644)
}

// bound reports the controller the gadget is bound to.
func (g *configfsGadget) bound() string {
	b, _ := os.ReadFile(filepath.Join(g.dir, "UDC"))
	return strings.TrimSpace(string(b))
}

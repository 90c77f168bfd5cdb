package hidraw

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// listIn lists the hidraw nodes described under sysClass
// (/sys/class/hidraw), naming them under dev (/dev), in node order.
// Entries whose uevent is missing or has no HID_ID are left out.
func listIn(sysClass, dev string) ([]hid.Info, error) {
	entries, err := os.ReadDir(sysClass)
	if err != nil {
		if os.IsNotExist(err) {
			return []hid.Info{}, nil // no hidraw driver loaded: no devices
		}
		return nil, err
	}
	type node struct {
		n    int
		info hid.Info
	}
	var nodes []node
	for _, e := range entries {
		num, ok := strings.CutPrefix(e.Name(), "hidraw")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(sysClass, e.Name(), "device", "uevent"))
		if err != nil {
			continue
		}
		u, err := ParseUevent(b)
		if err != nil {
			continue
		}
		nodes = append(nodes, node{n, hid.Info{
			Path:    filepath.Join(dev, e.Name()),
			Vendor:  u.Vendor,
			Product: u.Product,
			Name:    u.Name,
			Serial:  u.Uniq,
		}})
	}
	slices.SortFunc(nodes, func(a, b node) int { return cmp.Compare(a.n, b.n) })
	out := make([]hid.Info, len(nodes))
	for i, n := range nodes {
		out[i] = n.info
	}
	return out, nil
}

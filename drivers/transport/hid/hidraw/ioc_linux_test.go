//go:build linux

package hidraw

import (
	"testing"

	"golang.org/x/sys/unix"
)

// This architecture's layout reproduces x/sys's generated constants.
func TestNativeLayoutMatchesXSys(t *testing.T) {
	l := nativeLayout
	for _, tc := range []struct {
		name      string
		got, want uint
	}{
		{"HIDIOCGRAWINFO", l.hidiocGRawInfo(), unix.HIDIOCGRAWINFO},
		{"HIDIOCGRDESCSIZE", l.ioc(l.read, 'H', 1, 4), unix.HIDIOCGRDESCSIZE},
		{"HIDIOCREVOKE", l.ioc(l.write, 'H', 0x0D, 4), unix.HIDIOCREVOKE},
		{"HIDIOCGRDESC", l.ioc(l.read, 'H', 2, 4+4096), unix.HIDIOCGRDESC},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %#x, x/sys has %#x", tc.name, tc.got, tc.want)
		}
	}
}

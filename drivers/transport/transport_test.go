package transport

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestSentinels(t *testing.T) {
	all := map[string]error{
		"ErrDisconnected":  ErrDisconnected,
		"ErrBusy":          ErrBusy,
		"ErrClosed":        ErrClosed,
		"ErrNotFound":      ErrNotFound,
		"ErrPermission":    ErrPermission,
		"fs.ErrPermission": fs.ErrPermission,
	}
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{ErrDisconnected, []string{"ErrDisconnected"}},
		{ErrBusy, []string{"ErrBusy"}},
		{ErrClosed, []string{"ErrClosed"}},
		// A device that is not there is also one that went away: the
		// agent reopens after an unplug and finds the node gone.
		{ErrNotFound, []string{"ErrNotFound", "ErrDisconnected"}},
		{ErrPermission, []string{"ErrPermission", "fs.ErrPermission"}},
	} {
		wrapped := fmt.Errorf("open /dev/ttyUSB0: %w", tc.err)
		for name, target := range all {
			want := false
			for _, w := range tc.want {
				want = want || w == name
			}
			if got := errors.Is(wrapped, target); got != want {
				t.Errorf("errors.Is(%v, %s) = %v, want %v", wrapped, name, got, want)
			}
		}
	}
	if ErrNotFound.Error() == "" || ErrPermission.Error() == "" {
		t.Error("a sentinel without a message")
	}
}

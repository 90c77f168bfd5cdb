package usb

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

var sentinels = map[string]error{
	"gone":     transport.ErrDisconnected,
	"notfound": transport.ErrNotFound,
	"busy":     transport.ErrBusy,
	"access":   transport.ErrPermission,
	"timeout":  ErrTimeout,
	"closed":   transport.ErrClosed,
}

// matchesOnly checks that err matches the sentinel named want and no other.
func matchesOnly(t *testing.T, what string, err error, want string) {
	t.Helper()
	for name, s := range sentinels {
		if got := errors.Is(err, s); got != (name == want) {
			t.Errorf("%s: errors.Is(%v, %s) = %v", what, err, name, got)
		}
	}
	if got := errors.Is(err, fs.ErrPermission); got != (want == "access") {
		t.Errorf("%s: errors.Is(%v, fs.ErrPermission) = %v", what, err, got)
	}
}

func TestClassifyLibusbCodes(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{
		{-1, "gone"},   // LIBUSB_ERROR_IO
		{-2, ""},       // INVALID_PARAM
		{-3, "access"}, // ACCESS
		{-4, "gone"},   // NO_DEVICE
		{-5, ""},       // NOT_FOUND
		{-6, "busy"},   // BUSY
		{-7, "timeout"},
		{-8, ""}, // OVERFLOW
		{-9, ""}, // PIPE (stall)
		{-99, ""},
	} {
		base := fmt.Errorf("libusb: something [code %d]", tc.code)
		err := classifyCode(tc.code, base)
		matchesOnly(t, fmt.Sprintf("code %d", tc.code), err, tc.want)
		if !errors.Is(err, base) || err.Error() != base.Error() {
			t.Errorf("code %d: %v does not keep the library's error", tc.code, err)
		}
		// gousb wraps some codes with %v; the code survives in the text.
		wrapped := fmt.Errorf("failed to claim interface 0 on vid=0400,pid=c35a,bus=1,addr=4,config=1: %v", base)
		matchesOnly(t, fmt.Sprintf("message with code %d", tc.code), classifyMessage(wrapped), tc.want)
	}
}

func TestClassifyTransferStatus(t *testing.T) {
	for status, want := range map[int]string{
		0: "",        // COMPLETED (not an error, but harmless)
		1: "gone",    // ERROR
		2: "timeout", // TIMED_OUT
		3: "",        // CANCELLED
		4: "",        // STALL
		5: "gone",    // NO_DEVICE
		6: "",        // OVERFLOW
	} {
		matchesOnly(t, fmt.Sprintf("status %d", status), classifyStatus(status, errors.New("x")), want)
	}
}

func TestClassifyMessageWithoutCode(t *testing.T) {
	for _, msg := range []string{"no code here", "[code ", "[code x]", "[code -4", "[code 4]"} {
		err := classifyMessage(errors.New(msg))
		matchesOnly(t, msg, err, "")
		var ue *Error
		if !errors.As(err, &ue) || ue.Error() != msg {
			t.Errorf("%q: got %v", msg, err)
		}
	}
}

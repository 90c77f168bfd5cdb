package usbframe

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
)

func TestTransferErrorUnwraps(t *testing.T) {
	cause := fmt.Errorf("libusb: no device [code -4]: %w", transport.ErrDisconnected)
	err := error(&TransferError{Op: "read", Endpoint: 0x85, Err: cause})
	if !errors.Is(err, transport.ErrDisconnected) {
		t.Fatal("TransferError hides ErrDisconnected")
	}
	if got, want := err.Error(), "usbframe: read endpoint 0x85: libusb: no device [code -4]: device disconnected"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

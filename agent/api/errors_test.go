package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// Errors as the services really return them map to the reasons clients
// rely on, through the one table.
func TestReasonTable(t *testing.T) {
	unplug := fmt.Errorf("idcard: await find card reply: read /dev/ttyUSB0: %w", transport.ErrDisconnected)
	for _, tc := range []struct {
		err  error
		want protocol.Reason
	}{
		{idcard.ErrNoCard, protocol.ReasonNoCard},
		{fmt.Errorf("%w: %w", idcard.ErrReplace, samv.ErrReadFailed), protocol.ReasonCardReplace},
		{fmt.Errorf("%w: %w", idcard.ErrReadFailed, samv.ErrTimeout), protocol.ReasonCardReadFailed},
		{device.Errorf("idcard0", "read", device.ErrTimeout, "no card was placed in time"), protocol.ReasonTimeout},
		{&device.Error{Device: "idcard0", Op: "read", Kind: device.ErrDisconnected, Err: unplug}, protocol.ReasonDeviceDisconnected},
		{&device.Error{Device: "idcard0", Op: "read", Kind: device.ErrNotFound, Err: unplug}, protocol.ReasonDeviceNotFound},
		{&device.Error{Device: "idcard0", Op: "read", Kind: device.ErrBusy, Err: fmt.Errorf("open: %w", transport.ErrBusy)}, protocol.ReasonDeviceBusy},
		{device.Errorf("sigpad0", "acquire", device.ErrBusy, "held by client 3"), protocol.ReasonDeviceBusy},
		{unplug, protocol.ReasonDeviceDisconnected},
		{fmt.Errorf("open: %w", transport.ErrBusy), protocol.ReasonDeviceBusy},
		{context.Canceled, protocol.ReasonTimeout},
		{protocol.Errorf(protocol.ReasonBadParams, "x"), protocol.ReasonBadParams},
		{fmt.Errorf("%w: application.items: want at least one item", ErrBadApplication), protocol.ReasonBadApplication},
		{fmt.Errorf("outbox: key k: %w", outbox.ErrKeyConflict), protocol.ReasonIdempotencyConflict},
		{fmt.Errorf("%w: %w", ErrNotSaved, outbox.ErrClosed), protocol.ReasonNotSaved},
		{fmt.Errorf("%w: outbox: the item may or may not be queued: %w", ErrNotSaved, context.Canceled), protocol.ReasonNotSaved},
		{fmt.Errorf("outbox: %w: disk I/O error", outbox.ErrDatabase), protocol.ReasonNotSaved},
		{fmt.Errorf("%w: 70000000 bytes", outbox.ErrPayloadTooLarge), protocol.ReasonBadApplication},
	} {
		pe := protocolError(tc.err)
		if pe.Data == nil || pe.Data.Reason != tc.want || pe.Code != tc.want.Code() {
			t.Errorf("%v: got %+v, want %s", tc.err, pe, tc.want)
		}
		for _, leak := range []string{"*errors", "%!", "Go "} {
			if strings.Contains(pe.Message, leak) {
				t.Errorf("%v: message %q shows Go internals", tc.err, pe.Message)
			}
		}
	}
}

// Every reason is either produced by the table or by a handler that says
// so here: nothing in protocol.Reasons is orphaned, nothing in the table
// is outside it.
func TestReasonTableCoversTheProtocol(t *testing.T) {
	fromHandlers := []protocol.Reason{protocol.ReasonBadParams, protocol.ReasonNotSimulated, protocol.ReasonUnauthorized, protocol.ReasonRateLimited,
		protocol.ReasonNoSession, protocol.ReasonNotReady} // the flow's, from flowError
	seen := map[protocol.Reason]bool{}
	for _, m := range reasonTable {
		if !slices.Contains(protocol.Reasons(), m.reason) {
			t.Errorf("table maps %v to %s, which is not a protocol reason", m.err, m.reason)
		}
		seen[m.reason] = true
	}
	for _, r := range protocol.Reasons() {
		if !seen[r] && !slices.Contains(fromHandlers, r) {
			t.Errorf("reason %s comes from no error and no handler", r)
		}
	}
	if !errors.Is(fmt.Errorf("x: %w", idcard.ErrNoCard), reasonTable[0].err) {
		t.Fatal("table order: the reader's own errors come first")
	}
}

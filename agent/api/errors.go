package api

import (
	"context"
	"errors"

	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// reasonTable maps errors to protocol reasons: the one place where the
// services' error vocabulary meets the wire. The first entry that matches
// (errors.Is) wins, so the specific kinds come before the generic ones;
// a service error wraps its cause, and the cause's transport error is
// matched only when no service kind is.
var reasonTable = []struct {
	err    error
	reason protocol.Reason
	say    string // what the client is told; "" keeps the error's text
}{
	{idcard.ErrNoCard, protocol.ReasonNoCard, "no card on the reader"},
	{idcard.ErrReplace, protocol.ReasonCardReplace, "the card could not be read: lift it and place it again"},
	{idcard.ErrReadFailed, protocol.ReasonCardReadFailed, ""},
	{escpos.ErrPaperOut, protocol.ReasonPaperOut, "the printer is out of paper: load a new roll, then printer.resume"},
	{escpos.ErrCoverOpen, protocol.ReasonCoverOpen, "the printer's cover is open"},
	{escpos.ErrCutterError, protocol.ReasonCutterError, "the printer's cutter is jammed"},
	{escpos.ErrOffline, protocol.ReasonPrinterOffline, ""},
	{escpos.ErrPrinterError, protocol.ReasonPrinterOffline, ""},
	{printer.ErrNoSuchJob, protocol.ReasonNoSuchJob, ""},
	{sigpad.ErrCancelled, protocol.ReasonCancelled, "the signature was cancelled"},
	{sigpad.ErrEmptySignature, protocol.ReasonEmptySignature, "confirmed with nothing written: sign in the box first"},
	{sigpad.ErrNoCapture, protocol.ReasonNoCapture, ""},
	{sigpad.ErrPadFailed, protocol.ReasonDeviceError, ""},
	{sigpad.ErrEvidence, protocol.ReasonDeviceError, ""},
	{ErrBadApplication, protocol.ReasonBadApplication, ""},
	{outbox.ErrPayloadTooLarge, protocol.ReasonBadApplication, "the application is too large"},
	{outbox.ErrKeyConflict, protocol.ReasonIdempotencyConflict, "this idempotencyKey was used for another application: use a new random key for a new application"},
	{outbox.ErrBadIdempotencyKey, protocol.ReasonBadParams, ""},
	{ErrNotSaved, protocol.ReasonNotSaved, ""},
	{outbox.ErrClosed, protocol.ReasonNotSaved, "the agent is stopping: the application was not saved; submit it again with the same idempotencyKey"},
	{outbox.ErrDatabase, protocol.ReasonNotSaved, ""},
	{outbox.ErrCorrupt, protocol.ReasonNotSaved, ""},
	{device.ErrTimeout, protocol.ReasonTimeout, ""},
	{device.ErrBusy, protocol.ReasonDeviceBusy, ""},
	{device.ErrDisconnected, protocol.ReasonDeviceDisconnected, ""},
	{device.ErrNotFound, protocol.ReasonDeviceNotFound, ""},
	{transport.ErrBusy, protocol.ReasonDeviceBusy, ""},
	{transport.ErrDisconnected, protocol.ReasonDeviceDisconnected, ""},
	{transport.ErrClosed, protocol.ReasonDeviceDisconnected, "the agent is stopping"},
	{context.DeadlineExceeded, protocol.ReasonTimeout, "the request timed out"},
	{context.Canceled, protocol.ReasonTimeout, "the request was cancelled"},
}

// fallbackReason is what an error that matches nothing in the table
// becomes: the device could not do it.
const fallbackReason = protocol.ReasonCardReadFailed

// protocolError turns a service error into the protocol's error.
func protocolError(err error) *protocol.Error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	for _, m := range reasonTable {
		if errors.Is(err, m.err) {
			msg := m.say
			if msg == "" {
				msg = err.Error()
			}
			return protocol.Errorf(m.reason, "%s", msg)
		}
	}
	return protocol.Errorf(fallbackReason, "%v", err)
}

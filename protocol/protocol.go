// Package protocol is the kiosk agent's WebSocket API, version 1: JSON-RPC
// 2.0 text frames on ws://ADDR/ws. It holds the Go message types, the method
// and event names, the error codes and reasons, the JSON Schema that
// describes every message (schema/protocol.schema.json), and the JavaScript
// client that the kiosk UI and third-party pages use
// (client/kiosk-client.js).
//
// The agent is the only Go importer; drivers never import this package.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Version is the protocol version this package describes.
const Version = "1"

// Method names.
const (
	MethodHello         = "agent.hello"
	MethodDevicesList   = "devices.list"
	MethodHealthGet     = "health.get"
	MethodIDCardRead    = "idcard.read"
	MethodSimPlaceCard  = "sim.idcard.place"
	MethodSimRemoveCard = "sim.idcard.remove"

	MethodPrinterPrint   = "printer.print"
	MethodPrinterStatus  = "printer.status"
	MethodPrinterResume  = "printer.resume"
	MethodPrinterPreview = "printer.preview"
	MethodSimPrinter     = "sim.printer"

	MethodSigpadCapture = "sigpad.capture"
	MethodSigpadCancel  = "sigpad.cancel"
	MethodSigpadClear   = "sigpad.clear"
	MethodSigpadButton  = "sigpad.button"
	MethodSigpadInput   = "sigpad.input"
	MethodSimSigpadSign = "sim.sigpad.sign"
	MethodSimSigpadBtn  = "sim.sigpad.button"

	MethodFlowStart  = "flow.start"
	MethodFlowAct    = "flow.act"
	MethodFlowBack   = "flow.back"
	MethodFlowExtend = "flow.extend"
	MethodFlowCancel = "flow.cancel"
	MethodFlowGet    = "flow.get"
	MethodStaffCall  = "staff.call"

	MethodApplicationSubmit = "application.submit"
	MethodOutboxStatus      = "outbox.status"
	MethodOutboxList        = "outbox.list"
	MethodOutboxRetry       = "outbox.retry"
)

// Methods lists every method name.
func Methods() []string {
	return []string{MethodHello, MethodDevicesList, MethodHealthGet, MethodIDCardRead, MethodSimPlaceCard, MethodSimRemoveCard,
		MethodPrinterPrint, MethodPrinterStatus, MethodPrinterResume, MethodPrinterPreview, MethodSimPrinter,
		MethodSigpadCapture, MethodSigpadCancel, MethodSigpadClear, MethodSigpadButton, MethodSigpadInput,
		MethodSimSigpadSign, MethodSimSigpadBtn,
		MethodFlowStart, MethodFlowAct, MethodFlowBack, MethodFlowExtend, MethodFlowCancel, MethodFlowGet, MethodStaffCall,
		MethodApplicationSubmit, MethodOutboxStatus, MethodOutboxList, MethodOutboxRetry}
}

// Event (notification) names.
const (
	EventIDCardInserted = "idcard.inserted"
	EventIDCardRemoved  = "idcard.removed"
	EventIDCardError    = "idcard.error"
	EventDeviceChanged  = "device.changed"
	EventHealthChanged  = "health.changed"
	EventPrinterJob     = "printer.job"
	EventSigpadStarted  = "sigpad.started"
	EventSigpadSample   = "sigpad.sample"
	EventSigpadPressed  = "sigpad.pressed"
	EventFlowState      = "flow.state"
	EventStaffCalled    = "staff.called"
	EventOutboxChanged  = "outbox.changed"
)

// Events lists every event name.
func Events() []string {
	return []string{EventIDCardInserted, EventIDCardRemoved, EventIDCardError, EventDeviceChanged, EventHealthChanged, EventPrinterJob,
		EventSigpadStarted, EventSigpadSample, EventSigpadPressed, EventFlowState, EventStaffCalled,
		EventOutboxChanged}
}

// WebSocket close codes the agent uses, with a reason text, when it ends a
// connection on its own (RFC 6455 §7.4.1).
const (
	ClosePolicy       = 1008 // the client broke a rule: flooding, or its pairing was removed
	CloseTooBig       = 1009 // a message larger than the agent accepts
	CloseGoingAway    = 1001 // the agent is stopping
	CloseTryAgainLate = 1013 // too many clients connected
)

// Reason is the stable, machine-readable cause of an application error,
// sent as error.data.reason. Clients switch on it; messages are for people.
type Reason string

// The reasons, with what each means to a client.
const (
	ReasonNoCard              Reason = "NO_CARD"              // no card on the reader now
	ReasonTimeout             Reason = "TIMEOUT"              // no card was placed within timeoutMs
	ReasonDeviceNotFound      Reason = "DEVICE_NOT_FOUND"     // no reader configured or found
	ReasonDeviceDisconnected  Reason = "DEVICE_DISCONNECTED"  // the reader went away (unplugged) before or during the call
	ReasonDeviceBusy          Reason = "DEVICE_BUSY"          // the reader is held by another program
	ReasonCardReadFailed      Reason = "CARD_READ_FAILED"     // the reader answered, but the card could not be read
	ReasonCardReplace         Reason = "CARD_REPLACE"         // the card must be lifted and placed again
	ReasonBadParams           Reason = "BAD_PARAMS"           // the params are malformed; message says which field
	ReasonNotSimulated        Reason = "NOT_SIMULATED"        // a sim.* method on an agent without --simulate
	ReasonUnauthorized        Reason = "UNAUTHORIZED"         // the client has not presented a valid pairing token, or may not call this method
	ReasonRateLimited         Reason = "RATE_LIMITED"         // the client sends calls faster than allowed, or has too many waiting
	ReasonPaperOut            Reason = "PAPER_OUT"            // the printer has no paper; the job is kept for printer.resume
	ReasonCoverOpen           Reason = "COVER_OPEN"           // the printer's cover is open
	ReasonPrinterOffline      Reason = "PRINTER_OFFLINE"      // the printer does not answer, or reports itself offline or in error
	ReasonCutterError         Reason = "CUTTER_ERROR"         // the printer's cutter jammed
	ReasonNoSuchJob           Reason = "NO_SUCH_JOB"          // printer.resume of a job the agent does not keep (done, or never existed)
	ReasonCancelled           Reason = "CANCELLED"            // the signer (or the client) cancelled the signature
	ReasonEmptySignature      Reason = "EMPTY_SIGNATURE"      // confirmed with no ink
	ReasonNoCapture           Reason = "NO_CAPTURE"           // sigpad.button/input/clear/cancel with no capture of this client's going on
	ReasonDeviceError         Reason = "DEVICE_ERROR"         // the device is there but refused or did not finish a command
	ReasonNoSession           Reason = "NO_SESSION"           // a flow.* action with no session going on (flow.start first)
	ReasonNotReady            Reason = "NOT_READY"            // the step cannot go on yet (nothing chosen, the question unanswered, nothing signed)
	ReasonBadApplication      Reason = "BAD_APPLICATION"      // application.submit of an application the platform would refuse; message says which field and why
	ReasonIdempotencyConflict Reason = "IDEMPOTENCY_CONFLICT" // application.submit with an idempotencyKey already used for another application
	ReasonNotSaved            Reason = "NOT_SAVED"            // the application could not be put in the outbox (the disk, the agent stopping); submit it again with the same idempotencyKey
)

// Reasons lists every reason, for documentation and schema tests.
func Reasons() []Reason {
	return []Reason{ReasonNoCard, ReasonTimeout, ReasonDeviceNotFound, ReasonDeviceDisconnected, ReasonDeviceBusy,
		ReasonCardReadFailed, ReasonCardReplace, ReasonBadParams, ReasonNotSimulated, ReasonUnauthorized, ReasonRateLimited,
		ReasonPaperOut, ReasonCoverOpen, ReasonPrinterOffline, ReasonCutterError, ReasonNoSuchJob,
		ReasonCancelled, ReasonEmptySignature, ReasonNoCapture, ReasonDeviceError, ReasonNoSession, ReasonNotReady,
		ReasonBadApplication, ReasonIdempotencyConflict, ReasonNotSaved}
}

// JSON-RPC 2.0 error codes. The first five are the standard's; application
// errors use one code each in the implementation-defined range and always
// carry data.reason.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
)

var reasonCodes = map[Reason]int{
	ReasonBadParams:           CodeInvalidParams,
	ReasonNoCard:              -32001,
	ReasonTimeout:             -32002,
	ReasonDeviceNotFound:      -32003,
	ReasonDeviceDisconnected:  -32004,
	ReasonDeviceBusy:          -32005,
	ReasonCardReadFailed:      -32006,
	ReasonCardReplace:         -32007,
	ReasonNotSimulated:        -32008,
	ReasonUnauthorized:        -32009,
	ReasonRateLimited:         -32010,
	ReasonPaperOut:            -32011,
	ReasonCoverOpen:           -32012,
	ReasonPrinterOffline:      -32013,
	ReasonCutterError:         -32014,
	ReasonNoSuchJob:           -32015,
	ReasonCancelled:           -32016,
	ReasonEmptySignature:      -32017,
	ReasonNoCapture:           -32018,
	ReasonDeviceError:         -32019,
	ReasonNoSession:           -32020,
	ReasonNotReady:            -32021,
	ReasonBadApplication:      -32022,
	ReasonIdempotencyConflict: -32023,
	ReasonNotSaved:            -32024,
}

// Code returns the JSON-RPC error code used for r.
func (r Reason) Code() int {
	if c, ok := reasonCodes[r]; ok {
		return c
	}
	return CodeInternalError
}

// Request is a JSON-RPC request or, without ID, a notification.
type Request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
}

// Response answers a Request that had an ID.
type Response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// Notification is an event sent by the agent.
type Notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// Error is a JSON-RPC error object. Application errors carry Data.Reason.
type Error struct {
	Code    int        `json:"code"`
	Message string     `json:"message"`
	Data    *ErrorData `json:"data,omitempty"`
}

// ErrorData is the error object's data member.
type ErrorData struct {
	Reason Reason `json:"reason"`
	// Field names the offending parameter for BAD_PARAMS.
	Field string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Data != nil {
		return fmt.Sprintf("%s (%d %s)", e.Message, e.Code, e.Data.Reason)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

// Errorf returns an application error with reason r.
func Errorf(r Reason, format string, args ...any) *Error {
	return &Error{Code: r.Code(), Message: fmt.Sprintf(format, args...), Data: &ErrorData{Reason: r}}
}

// DecodeParams decodes params strictly into v: unknown fields, trailing
// data and wrong types are BAD_PARAMS errors naming the field. Absent or
// null params leave v as it is.
func DecodeParams(params json.RawMessage, v any) *Error {
	if len(bytes.TrimSpace(params)) == 0 || string(bytes.TrimSpace(params)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return paramsError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(ReasonBadParams, "invalid params: trailing data after the params object")
	}
	return nil
}

// paramsError describes a decoding failure in the protocol's own words:
// the field and the JSON type expected, never Go's type names.
func paramsError(err error) *Error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			e := Errorf(ReasonBadParams, "invalid params: must be an object, not %s", te.Value)
			return e
		}
		e := Errorf(ReasonBadParams, "invalid params: %s must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)
		e.Data.Field = field
		return e
	case errors.As(err, &se):
		return Errorf(ReasonBadParams, "invalid params: malformed JSON at byte %d", se.Offset)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		e := Errorf(ReasonBadParams, "invalid params: unknown field %q", f)
		e.Data.Field = f
		return e
	}
	return Errorf(ReasonBadParams, "invalid params: %s", strings.TrimPrefix(msg, "json: "))
}

// jsonKind names a Go kind as the JSON type a client must send.
func jsonKind(k string) string {
	switch k {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "another type"
}

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/rpc"
	"github.com/kiosk-agent/kiosk-agent/agent/web"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// maxCopies bounds printer.print's copies.
const maxCopies = 5

// registerPrinter adds the printer.* methods.
func (a *API) registerPrinter() {
	a.d.RPC.Handle(protocol.MethodPrinterPrint, a.printerPrint)
	a.d.RPC.Handle(protocol.MethodPrinterStatus, a.printerStatus)
	a.d.RPC.Handle(protocol.MethodPrinterResume, a.printerResume)
	a.d.RPC.Handle(protocol.MethodPrinterPreview, a.printerPreview)
}

func (a *API) noPrinter() error {
	return protocol.Errorf(protocol.ReasonDeviceNotFound, "no receipt printer is configured (printer.port)")
}

// Receipt converts the protocol's receipt into the driver's.
func Receipt(r protocol.Receipt) escpos.Receipt {
	out := escpos.Receipt{Width: r.Width, NoCut: r.Cut != nil && !*r.Cut}
	for _, b := range r.Blocks {
		out.Blocks = append(out.Blocks, escpos.Block{Type: b.Type, Text: b.Text, Align: b.Align, Bold: b.Bold, Size: b.Size,
			Key: b.Key, Value: b.Value, Data: b.Data, PNG: b.PNG, Lines: b.Lines})
	}
	return out
}

// receiptError turns a layout failure into BAD_PARAMS naming the block
// and field, in the protocol's words.
func receiptError(err error) error {
	var ve *escpos.ValidationError
	if !errors.As(err, &ve) {
		var ves escpos.ValidationErrors
		if errors.As(err, &ves) && len(ves) > 0 {
			ve = ves[0]
		}
	}
	if ve == nil {
		return protocolError(err)
	}
	e := protocol.Errorf(protocol.ReasonBadParams, "invalid receipt: %v", err)
	field := "receipt"
	if ve.Block >= 0 {
		field += ".blocks[" + strconv.Itoa(ve.Block) + "]"
	}
	if ve.Field != "" {
		field += "." + strings.ToLower(ve.Field) // Text, Data, PNG: one word each
	}
	e.Data.Field = field
	return e
}

func (a *API) printerPrint(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.PrintParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if p.Copies < 0 || p.Copies > maxCopies {
		e := protocol.Errorf(protocol.ReasonBadParams, "copies must be 1 to %d", maxCopies)
		e.Data.Field = "copies"
		return nil, e
	}
	if len(p.Purpose) > maxPurpose {
		e := protocol.Errorf(protocol.ReasonBadParams, "purpose must be at most %d bytes", maxPurpose)
		e.Data.Field = "purpose"
		return nil, e
	}
	if a.d.Printer == nil {
		return nil, a.noPrinter()
	}
	id, err := a.d.Printer.Print(Receipt(p.Receipt), max(p.Copies, 1))
	if err != nil {
		return nil, receiptError(err)
	}
	acc := web.AccessOf(c)
	a.audit(audit.Record{Event: "printer.print", Device: a.d.Printer.Device().Info().ID, Origin: acc.Origin, Client: acc.Client(),
		Purpose: p.Purpose, Result: "queued", Detail: map[string]string{"job": id, "copies": strconv.Itoa(max(p.Copies, 1)),
			"blocks": strconv.Itoa(len(p.Receipt.Blocks))}})
	return protocol.PrintResult{JobID: id}, nil
}

func (a *API) printerStatus(ctx context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	if err := noParams(params); err != nil {
		return nil, err
	}
	if a.d.Printer == nil {
		return nil, a.noPrinter()
	}
	st, err := a.d.Printer.Status(ctx)
	if err != nil {
		return nil, protocolError(err)
	}
	out := protocol.PrinterStatus{Online: st.Online, PaperOut: st.PaperOut, PaperNearEnd: st.PaperNearEnd, CoverOpen: st.CoverOpen,
		Blind: a.d.Printer.Profile().Blind}
	if out.Blind {
		out.Error = "this printer answers no status (printer.blind): nothing is known"
	} else if p := st.Problem(); p != nil && !st.PaperOut && !st.CoverOpen {
		out.Error = p.Error()
	}
	return out, nil
}

func (a *API) printerResume(_ context.Context, c *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.ResumeParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if a.d.Printer == nil {
		return nil, a.noPrinter()
	}
	if err := a.d.Printer.Resume(p.JobID); err != nil {
		if errors.Is(err, printer.ErrNoSuchJob) {
			e := protocol.Errorf(protocol.ReasonNoSuchJob, "no resumable job %q: it is done, or was never queued", p.JobID)
			e.Data.Field = "jobId"
			return nil, e
		}
		return nil, protocolError(err)
	}
	acc := web.AccessOf(c)
	a.audit(audit.Record{Event: "printer.resume", Device: a.d.Printer.Device().Info().ID, Origin: acc.Origin, Client: acc.Client(),
		Result: "queued", Detail: map[string]string{"job": p.JobID}})
	return protocol.PrintResult{JobID: p.JobID}, nil
}

// printerPreview lays the receipt out for the printer and draws the very
// bytes it would receive, with the ESC/POS interpreter of the virtual
// printer: what the preview shows is what prints.
func (a *API) printerPreview(_ context.Context, _ *rpc.Conn, params json.RawMessage) (any, error) {
	var p protocol.PreviewParams
	if err := protocol.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	prof := escpos.Generic80()
	if a.d.Printer != nil {
		prof = a.d.Printer.Profile()
	}
	if p.Receipt.Width == 58 && prof.PaperMM != 58 {
		prof, _ = escpos.ProfileByName("generic58")
	}
	r := Receipt(p.Receipt)
	job, err := escpos.Layout(r, prof, a.d.Fonts)
	if err != nil {
		return nil, receiptError(err)
	}
	doc := escpossim.Interpret(job.Bytes(), escpossim.Config{PaperWidth: prof.PaperMM, FourByteGB18030: prof.Charset == escpos.CharsetGB18030,
		NativeQR: prof.NativeQR})
	if len(doc.Pages) == 0 {
		return nil, fmt.Errorf("preview: the receipt printed nothing")
	}
	img := doc.Pages[0].Image()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return protocol.PreviewResult{PNG: buf.Bytes(), Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}, nil
}

// PrinterEvent turns a job change into printer.job for every client. It
// is the printer service's emit function.
func (a *API) PrinterEvent(e printer.Event) {
	ev := protocol.JobEvent{JobID: e.JobID, State: string(e.State), Resumable: e.Resumable, Copy: e.Copy, Copies: e.Copies}
	if e.Err != nil {
		pe := protocolError(e.Err)
		ev.Reason, ev.Message = pe.Data.Reason, pe.Message
	}
	a.d.RPC.Broadcast(protocol.EventPrinterJob, ev)
	if a.d.OnPrinted != nil && e.State == printer.Done {
		a.d.OnPrinted(e.JobID)
	}
}

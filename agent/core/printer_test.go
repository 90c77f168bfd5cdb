package core_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// applicationReceipt is what the flow prints: long Chinese names and
// addresses, digits and Latin, a rare name character, a QR code.
func applicationReceipt() protocol.Receipt {
	return protocol.Receipt{Width: 80, Blocks: []protocol.ReceiptBlock{
		{Type: "title", Text: "社会救助申请回执"},
		{Type: "kv", Key: "申请编号", Value: "TZ-2026-112901"},
		{Type: "kv", Key: "申请人", Value: "龚䶮"},
		{Type: "kv", Key: "公民身份号码", Value: "370481********4828"},
		{Type: "kv", Key: "家庭住址", Value: "山东省枣庄市滕州市荆河街道善国北路88号院3号楼2单元501室"},
		{Type: "divider"},
		{Type: "text", Text: "申请事项：最低生活保障（低保）、临时救助"},
		{Type: "text", Text: "办理时限：受理之日起30个工作日内办结（限时办理）"},
		{Type: "qr", Data: "https://zwfw.tengzhou.gov.cn/jz/q?id=TZ-2026-112901"},
		{Type: "text", Text: "扫码查询办理进度", Align: "center"},
	}}
}

func waitJob(t *testing.T, c *client, validate func(string, []byte), id, state string) protocol.JobEvent {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case m := <-c.events:
			if !strings.Contains(string(m), `"printer.job"`) {
				continue
			}
			validate("notification", m)
			var n struct{ Params protocol.JobEvent }
			json.Unmarshal(m, &n)
			if n.Params.JobID != id {
				continue
			}
			if n.Params.State == state {
				return n.Params
			}
			if n.Params.State == protocol.JobDone || n.Params.State == protocol.JobFailed {
				t.Fatalf("job %s ended %s %s, want %s", id, n.Params.State, n.Params.Reason, state)
			}
		case <-deadline:
			t.Fatalf("job %s: no %s event", id, state)
		}
	}
}

// A receipt printed on the virtual printer through the WebSocket, a
// preview, and paper out in the middle of a job: PAPER_OUT, kept, resumed.
func TestPrinterOverWebSocket(t *testing.T) {
	cfg := simConfig(t)
	addr, _ := startAgent(t, cfg)
	validate := schemas(t)
	c := dial(t, addr, nil)

	var st protocol.PrinterStatus
	deadline := time.Now().Add(5 * time.Second)
	for {
		msg := c.call("printer.status", nil)
		if !strings.Contains(string(msg), `"error"`) || time.Now().After(deadline) {
			json.Unmarshal(result(t, validate, msg, "printerStatus"), &st)
			break
		}
		time.Sleep(50 * time.Millisecond) // the printer is being opened
	}
	if !st.Online || st.PaperOut || st.CoverOpen {
		t.Fatalf("status of a fresh virtual printer: %+v", st)
	}

	var pr protocol.PrintResult
	json.Unmarshal(result(t, validate, c.call("printer.print", map[string]any{"receipt": applicationReceipt(), "purpose": "低保申请回执"}), "printResult"), &pr)
	waitJob(t, c, validate, pr.JobID, protocol.JobDone)
	var files []string
	for time.Now().Before(deadline.Add(10 * time.Second)) {
		if ents, _ := os.ReadDir(filepath.Join(cfg.StateDir, "receipts")); len(ents) > 0 {
			files = append(files, ents[0].Name())
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(files) != 1 || !strings.Contains(files[0], pr.JobID) {
		t.Fatalf("the virtual printer saved %v", files)
	}
	res, err := http.Get("http://" + addr + "/sim/receipts/" + files[0])
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET the saved receipt: %v %v", err, res)
	}
	if _, err := png.Decode(res.Body); err != nil {
		t.Fatalf("the saved receipt is not a PNG: %v", err)
	}
	res.Body.Close()

	var pv protocol.PreviewResult
	json.Unmarshal(result(t, validate, c.call("printer.preview", map[string]any{"receipt": applicationReceipt()}), "previewResult"), &pv)
	img, err := png.Decode(bytes.NewReader(pv.PNG))
	if err != nil || img.Bounds().Dx() != 576 || pv.Height < 600 {
		t.Fatalf("preview: %v, %dx%d", err, pv.Width, pv.Height)
	}

	// Bad receipts are BAD_PARAMS naming the block.
	bad := applicationReceipt()
	bad.Blocks[8].Data = ""
	msg := c.call("printer.print", map[string]any{"receipt": bad})
	var e struct{ Error *protocol.Error }
	json.Unmarshal(msg, &e)
	if e.Error == nil || e.Error.Data.Reason != protocol.ReasonBadParams || !strings.HasPrefix(e.Error.Data.Field, "receipt.blocks[8]") {
		t.Fatalf("an empty QR: %s", msg)
	}

	// Paper out mid-job.
	result(t, validate, c.call("sim.printer", map[string]any{"paper": "runOutAfter", "rows": 300}), "empty")
	json.Unmarshal(result(t, validate, c.call("printer.print", map[string]any{"receipt": applicationReceipt()}), "printResult"), &pr)
	ev := waitJob(t, c, validate, pr.JobID, protocol.JobFailed)
	if ev.Reason != protocol.ReasonPaperOut || !ev.Resumable {
		t.Fatalf("paper out: %+v", ev)
	}
	json.Unmarshal(result(t, validate, c.call("printer.status", nil), "printerStatus"), &st)
	if !st.PaperOut {
		t.Fatalf("status while out of paper: %+v", st)
	}
	result(t, validate, c.call("sim.printer", map[string]any{"paper": "load"}), "empty")
	result(t, validate, c.call("printer.resume", map[string]any{"jobId": pr.JobID}), "printResult")
	waitJob(t, c, validate, pr.JobID, protocol.JobDone)
	json.Unmarshal(c.call("printer.resume", map[string]any{"jobId": pr.JobID}), &e)
	if e.Error == nil || e.Error.Data.Reason != protocol.ReasonNoSuchJob {
		t.Fatalf("resuming a done job: %+v", e.Error)
	}
}

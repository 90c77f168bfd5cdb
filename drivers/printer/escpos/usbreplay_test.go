package escpos_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/usb"
)

// The replay test plays back the printer-class traffic recorded in the
// real-USB testbed (test/usbvm, .ci/usb-vm --record): the print data the
// agent sent to the printer gadget (usb_f_printer) and the status replies
// the virtual printer sent back on bulk IN, through /dev/usb/lp0 and
// through gousb. StreamPort carries both directions here as it does on a
// kiosk, and the replies decode to the printer's condition.

const printerRecording = "testdata/usbvm-printer.txt"

// printerStep is what the host sent, then the replies it got.
type printerStep struct {
	out     []byte
	replies [][]byte // one IN transfer each
}

func readPrinterRecording(t *testing.T) map[string][]printerStep {
	t.Helper()
	f, err := os.Open(printerRecording)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string][]printerStep{}
	name := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "MARK "); ok {
			name = rest
			continue
		}
		fs := strings.Fields(line)
		data, err := hex.DecodeString(fs[len(fs)-1])
		if len(fs) != 3 || err != nil {
			t.Fatalf("%s: bad line %q", printerRecording, line)
		}
		steps := sections[name]
		switch fs[0] {
		case "OUT":
			// The gadget reads the stream in its own pieces: what the host
			// sent before a reply is one step.
			if n := len(steps); n > 0 && len(steps[n-1].replies) == 0 {
				steps[n-1].out = append(steps[n-1].out, data...)
			} else {
				steps = append(steps, printerStep{out: data})
			}
		case "IN":
			if len(steps) == 0 {
				t.Fatalf("%s: a reply before anything was sent", printerRecording)
			}
			steps[len(steps)-1].replies = append(steps[len(steps)-1].replies, data)
		default:
			t.Fatalf("%s: bad line %q", printerRecording, line)
		}
		sections[name] = steps
	}
	return sections
}

// replayPrinter is a usb.Endpoints playing one section back: OUT data
// must continue the recorded stream (in any transfer sizes), and each
// recorded reply is one IN transfer once what it answers has been sent.
type replayPrinter struct {
	steps []printerStep
	sent  int // bytes of steps[0].out sent
	err   error
}

func (r *replayPrinter) Write(ep uint8, b []byte, _ time.Duration) (int, error) {
	for len(r.steps) > 0 && r.sent == len(r.steps[0].out) && len(r.steps[0].replies) == 0 {
		r.steps, r.sent = r.steps[1:], 0
	}
	if ep != 0x01 || len(r.steps) == 0 || !bytes.HasPrefix(r.steps[0].out[r.sent:], b) {
		r.err = fmt.Errorf("the host sent % X on 0x%02X, not the recorded stream", b[:min(len(b), 16)], ep)
		return 0, r.err
	}
	r.sent += len(b)
	return len(b), nil
}

func (r *replayPrinter) Read(ep uint8, b []byte, timeout time.Duration) (int, error) {
	if ep == 0x81 && len(r.steps) > 0 && r.sent == len(r.steps[0].out) && len(r.steps[0].replies) > 0 {
		n := copy(b, r.steps[0].replies[0])
		r.steps[0].replies = r.steps[0].replies[1:]
		if len(r.steps[0].replies) == 0 {
			r.steps, r.sent = r.steps[1:], 0
		}
		return n, nil
	}
	time.Sleep(min(timeout, time.Millisecond))
	return 0, fmt.Errorf("replay: 0x%02X: %w", ep, usb.ErrTimeout)
}

func (r *replayPrinter) Close() error { return nil }

// play sends each step's data through a StreamPort and reads its replies
// back, as the agent's printer session does; it returns the data sent and
// the status the replies to DLE EOT 1–4 give.
func play(t *testing.T, steps []printerStep) (sent []byte, statuses []escpos.Status) {
	t.Helper()
	r := &replayPrinter{}
	for _, st := range steps {
		r.steps = append(r.steps, printerStep{out: st.out, replies: append([][]byte(nil), st.replies...)})
	}
	port := usb.NewStreamPort(r, 0x01, 0x81, 5*time.Millisecond, time.Second)
	defer port.Close()
	for _, step := range steps {
		if _, err := port.Write(step.out); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, step.out...)
		var got []byte
		buf := make([]byte, 1) // a reader that takes one byte at a time
		for deadline := time.Now().Add(time.Second); len(got) < len(bytes.Join(step.replies, nil)); {
			n, err := port.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, buf[:n]...)
			if time.Now().After(deadline) {
				t.Fatalf("replies % X, want % X", got, bytes.Join(step.replies, nil))
			}
		}
		if want := bytes.Join(step.replies, nil); !bytes.Equal(got, want) {
			t.Fatalf("replies % X, want % X", got, want)
		}
		// DLE EOT 1 to 4 in a row: one real-time status.
		if bytes.Equal(step.out, []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4}) && len(got) == 4 {
			var st escpos.Status
			for i, b := range got {
				s, err := escpos.ParseRealTime(i+1, b)
				if err != nil {
					t.Fatal(err)
				}
				st = st.Merge(s)
			}
			statuses = append(statuses, st)
		}
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return sent, statuses
}

// A receipt, as sent through usblp and through gousb: the printer
// answered every status request with a printer ready to print, and the
// data sent is the receipt with its QR code.
func TestReplayRecordedReceipts(t *testing.T) {
	sections := readPrinterRecording(t)
	for _, name := range []string{"receipt through /dev/usb/lp0", "receipt through gousb"} {
		t.Run(name, func(t *testing.T) {
			steps := sections[name]
			if len(steps) == 0 {
				t.Fatalf("no section %q in %s", name, printerRecording)
			}
			sent, statuses := play(t, steps)
			if len(statuses) == 0 {
				t.Fatal("no status was asked")
			}
			for _, st := range statuses {
				if err := st.Problem(); err != nil {
					t.Errorf("status %v: %v", st, err)
				}
			}
			doc := escpossim.Interpret(sent, escpossim.Config{NativeQR: true})
			var text strings.Builder
			var qr []string
			for _, p := range doc.Pages {
				text.WriteString(p.Text())
				qr = append(qr, p.QRPayloads()...)
			}
			if !strings.Contains(text.String(), "社会救助申请回执") || len(qr) != 1 || qr[0] != "https://zwfw.tengzhou.gov.cn/q?id=TZ-2026-112901" {
				t.Errorf("the data sent prints %q with QR %q", text.String(), qr)
			}
		})
	}
}

// With the roll out, the recorded status replies say paper out.
func TestReplayRecordedPaperOut(t *testing.T) {
	steps := readPrinterRecording(t)["paper out"]
	if len(steps) == 0 {
		t.Fatalf("no section %q in %s", "paper out", printerRecording)
	}
	_, statuses := play(t, steps)
	if len(statuses) == 0 {
		t.Fatal("no status was asked")
	}
	for _, st := range statuses {
		if !errors.Is(st.Problem(), escpos.ErrPaperOut) {
			t.Errorf("status %v, want paper out", st)
		}
	}
}

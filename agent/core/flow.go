package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/device"
	"github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/agent/device/printer"
	"github.com/kiosk-agent/kiosk-agent/agent/device/sigpad"
	"github.com/kiosk-agent/kiosk-agent/agent/fieldauth"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	samv "github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// provisionFlow builds the application flow over the devices.
func (c *Core) provisionFlow(agentID string) {
	deps := flow.Deps{Signer: c.sigpad, Photo: c.photo.Decode, Platform: flowPlatform{c}, Precheck: c.precheck,
		Outbox: flowOutbox{c.subs}}
	if c.docs != nil {
		deps.Documents = newFlowDocuments(c.docs, c.evKey.Public(), c.cfg.Flow.Mode, c.cfg.Flow.Window, c.cfg.Office)
	}
	if c.reader != nil {
		deps.Reader = flowReader{c.reader}
	}
	if c.printer != nil {
		deps.Printer = &flowPrinter{svc: c.printer, waiters: c.printWaiters}
	}
	if c.cfg.Flow.Mode == flow.ModeField {
		deps.Workers = c.fieldWorkers()
	}
	// The API is registered after the engine: these reach it then.
	deps.Staff = staffFunc(func(reason string, step flow.Step) {
		if c.api != nil {
			c.api.StaffCalled(reason, step)
		}
	})
	// The engine keeps a copy of deps, so the pages' ink mirror (the API's
	// FlowInk, made after the engine) is reached through c.flowWatch.
	deps.Watch = sigpad.Listener{
		Started: func(s sigpad.Started) {
			if c.flowWatch.Started != nil {
				c.flowWatch.Started(s)
			}
		},
		Sample: func(p sigpad.Point) {
			if c.flowWatch.Sample != nil {
				c.flowWatch.Sample(p)
			}
		},
		Pressed: func(b string) {
			if c.flowWatch.Pressed != nil {
				c.flowWatch.Pressed(b)
			}
		},
	}
	c.flow = flow.New(flow.Config{Mode: c.cfg.Flow.Mode, Window: c.cfg.Flow.Window, Office: c.cfg.Office.Name,
		Phone: c.cfg.Office.Phone, Terminal: agentID, Log: c.log}, deps)
}

type staffFunc func(reason string, step flow.Step)

func (f staffFunc) Call(reason string, step flow.Step) { f(reason, step) }

// flowReader reads cards for the flow, in its words.
type flowReader struct{ svc *idcard.Service }

func (r flowReader) Read(ctx context.Context, timeout time.Duration) (*samv.Card, error) {
	card, err := r.svc.Read(ctx, idcard.ReadOptions{Timeout: timeout})
	switch {
	case err == nil:
		return card, nil
	case errors.Is(err, idcard.ErrNoCard):
		return nil, fmt.Errorf("%w: %v", flow.ErrNoCard, err)
	case errors.Is(err, idcard.ErrReplace), errors.Is(err, idcard.ErrReadFailed):
		return nil, fmt.Errorf("%w: %v", flow.ErrReplace, err)
	case errors.Is(err, device.ErrNotFound), errors.Is(err, device.ErrDisconnected), errors.Is(err, device.ErrBusy):
		return nil, fmt.Errorf("%w: %v", flow.ErrNoDevice, err)
	}
	return nil, err
}

// printWaiters lets the flow wait for its print jobs: the printer's job
// events are handed to whoever waits for that job.
type printWaiters struct {
	mu sync.Mutex
	m  map[string]chan printer.Event
}

func (w *printWaiters) add(id string) chan printer.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]chan printer.Event{}
	}
	ch := make(chan printer.Event, 8)
	w.m[id] = ch
	return ch
}

func (w *printWaiters) remove(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.m, id)
}

// event hands a job event on (from the printer's goroutine; never blocks).
func (w *printWaiters) event(e printer.Event) {
	w.mu.Lock()
	ch := w.m[e.JobID]
	w.mu.Unlock()
	if ch != nil {
		select {
		case ch <- e:
		default:
		}
	}
}

// flowPrinter prints the flow's receipts and waits for them.
type flowPrinter struct {
	svc     *printer.Service
	waiters *printWaiters
}

func (p *flowPrinter) Print(ctx context.Context, r escpos.Receipt) error {
	// The job's id is known only once it is queued: queue, then listen;
	// events that came in between are caught by asking for its state
	// (done ones are remembered by the service).
	id, err := p.svc.Print(r, 1)
	if err != nil {
		return err
	}
	ch := p.waiters.add(id)
	defer p.waiters.remove(id)
	for {
		if st, ok := p.svc.Job(id); ok {
			switch st.State {
			case printer.Done:
				return nil
			case printer.Failed:
				return st.Err
			}
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// staffWebhook POSTs staff calls to url, one at a time, without holding
// anyone up; failures are logged.
func (c *Core) staffWebhook(url string) func(protocol.StaffCalledEvent) {
	client := &http.Client{Timeout: 5 * time.Second}
	return func(ev protocol.StaffCalledEvent) {
		go func() {
			body, _ := json.Marshal(ev)
			resp, err := client.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				c.log.Warn("staff webhook not reached", "err", err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				c.log.Warn("staff webhook refused the call", "status", resp.StatusCode)
			}
		}()
	}
}

// demoWorkerID and demoWorkerPIN unlock a simulated field-mode agent that
// lists no workers: idcardsim's sample card 1 (李建国).
const (
	demoWorkerID  = "370402198811073014"
	demoWorkerPIN = "123456"
)

// fieldWorkers is the registry of flow.workers (checked by the config
// already), or nil when nobody can unlock.
func (c *Core) fieldWorkers() flow.Workers {
	var entries []fieldauth.Entry
	for _, s := range c.cfg.Flow.Workers {
		e, err := config.WorkerEntry(s)
		if err != nil {
			c.log.Error("flow.workers: an entry is not valid; it is left out", "err", err)
			continue
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 && c.cfg.Simulate {
		e, err := fieldauth.NewEntry(demoWorkerID, demoWorkerPIN)
		if err == nil {
			entries = append(entries, e)
			c.log.Info("field mode, simulated: sample card 1 unlocks with PIN " + demoWorkerPIN)
		}
	}
	if len(entries) == 0 {
		c.log.Warn("field mode with no flow.workers: nobody can unlock this device (kiosk-agent field-worker makes an entry)")
		return nil
	}
	r, err := fieldauth.New(entries)
	if err != nil {
		c.log.Error("flow.workers", "err", err)
		return nil
	}
	return workerRegistry{r}
}

// workerRegistry tells the flow's errors from fieldauth's.
type workerRegistry struct{ r *fieldauth.Registry }

func (w workerRegistry) Verify(ctx context.Context, id, pin string) error {
	err := w.r.Verify(ctx, id, pin)
	switch {
	case errors.Is(err, fieldauth.ErrNotWorker):
		return fmt.Errorf("%w: %v", flow.ErrNotWorker, err)
	case errors.Is(err, fieldauth.ErrWrongPIN), errors.Is(err, fieldauth.ErrBadPIN):
		return fmt.Errorf("%w: %v", flow.ErrWrongPIN, err)
	}
	return err
}

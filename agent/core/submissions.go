package core

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kiosk-agent/kiosk-agent/agent/api"
	"github.com/kiosk-agent/kiosk-agent/agent/flow"
	"github.com/kiosk-agent/kiosk-agent/agent/health"
	"github.com/kiosk-agent/kiosk-agent/agent/outbox"
	"github.com/kiosk-agent/kiosk-agent/agent/platform"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform/contract"
)

// submissions puts applications and their evidence in the outbox, and
// delivers them from it to the platform. It is the API's Outbox
// (application.submit) and the flow's.
//
// An application is stored as the platform's Application in JSON, under
// its idempotency key; a piece of evidence as evidencePrefix, its
// application's key and media type, a newline each, then its bytes,
// under the application's key plus ".e" and 16 base32 characters of its
// SHA-256.
// The outbox encrypts both.
type submissions struct {
	c        *Core
	q        *outbox.Queue
	contract *contract.Contract

	delivered prometheus.Counter
	gauges    []prometheus.Collector
	reg       *prometheus.Registry
}

var (
	_ api.Outbox  = (*submissions)(nil)
	_ flow.Outbox = flowOutbox{}
)

// evidencePrefix starts an evidence item's payload.
const evidencePrefix = "kiosk-agent evidence v1\n"

// deliveryWait is how long the flow waits, after an application is on
// disk, for the sender to deliver it, so that the receipt can say 已提交
// rather than 待上传 when the platform is there.
const deliveryWait = 3 * time.Second

func newSubmissions(c *Core) *submissions {
	s := &submissions{c: c, q: c.outbox, contract: c.contract, reg: prometheus.NewRegistry()}
	s.delivered = prometheus.NewCounter(prometheus.CounterOpts{Name: "kiosk_outbox_delivered_total",
		Help: "Outbox items (applications and their evidence) the platform has taken."})
	st := func(f func(outbox.Status) float64) func() float64 { return func() float64 { return f(s.q.Status()) } }
	s.reg.MustRegister(s.delivered,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kiosk_outbox_pending", Help: "Outbox items not delivered yet (refused ones included)."},
			st(func(x outbox.Status) float64 { return float64(x.Pending) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kiosk_outbox_failing", Help: "Pending outbox items whose last delivery failed."},
			st(func(x outbox.Status) float64 { return float64(x.Failing) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kiosk_outbox_refused", Help: "Outbox items the platform refused for good, waiting for an operator."},
			st(func(x outbox.Status) float64 { return float64(x.Parked) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kiosk_outbox_oldest_age_seconds", Help: "Age of the oldest undelivered outbox item (0: none)."},
			st(func(x outbox.Status) float64 { return float64(x.OldestAgeS) })),
	)
	return s
}

// Status implements api.Outbox.
func (s *submissions) Status() protocol.OutboxStatus {
	st := s.q.Status()
	return protocol.OutboxStatus{Pending: st.Pending, Failing: st.Failing, OldestAgeS: st.OldestAgeS, Applications: st.Applications}
}

// Subscribe implements api.Outbox.
func (s *submissions) Subscribe(fn func(protocol.OutboxStatus)) (cancel func()) {
	return s.q.Subscribe(func(st outbox.Status) {
		fn(protocol.OutboxStatus{Pending: st.Pending, Failing: st.Failing, OldestAgeS: st.OldestAgeS, Applications: st.Applications})
	})
}

// List implements api.Outbox: the pending and the refused items, oldest
// first, without their content.
func (s *submissions) List(ctx context.Context) ([]protocol.OutboxItem, error) {
	var out []protocol.OutboxItem
	for _, st := range []outbox.State{outbox.StatePending, outbox.StateFailed} {
		items, err := s.q.List(ctx, st)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			clear(it.Payload)
			oi := protocol.OutboxItem{Key: it.Key, Kind: string(it.Kind), State: "pending", Attempts: it.Attempts,
				Created: it.Created.UTC().Format(time.RFC3339)}
			if st == outbox.StateFailed {
				oi.State = "refused"
			}
			if !it.LastAttempt.IsZero() {
				oi.LastAttempt = it.LastAttempt.UTC().Format(time.RFC3339)
			}
			if st == outbox.StatePending && !it.NextAttempt.IsZero() {
				oi.NextAttempt = it.NextAttempt.UTC().Format(time.RFC3339)
			}
			if it.Failing && it.LastError != "" {
				oi.Error = platform.Redact(it.LastError)
			}
			out = append(out, oi)
		}
	}
	slices.SortStableFunc(out, func(a, b protocol.OutboxItem) int { return strings.Compare(a.Created, b.Created) })
	return out, nil
}

// Retry implements api.Outbox.
func (s *submissions) Retry(ctx context.Context, key string) error {
	if key == "" {
		return s.q.Kick(ctx)
	}
	return s.q.Retry(ctx, key)
}

// watchHealth keeps the outbox's health check: on every change, and
// every 30 s as the oldest item ages.
func (s *submissions) watchHealth() {
	s.setHealth(s.q.Status())
	s.q.Subscribe(s.setHealth)
}

func (s *submissions) setHealth(st outbox.Status) {
	h := s.c.health
	switch {
	case st.Parked > 0:
		h.Set(componentOutbox, CodeOutboxRefused, health.Warning,
			fmt.Sprintf("the platform refused %d item(s) for good; they are kept: outbox.list shows them and their errors, outbox.retry sends one again", st.Parked))
	case st.Failing > 0:
		h.Set(componentOutbox, CodeOutboxFailing, health.Warning,
			fmt.Sprintf("%d item(s) not delivered: the platform did not take them on the last try; the oldest is %s old", st.Failing, ageText(st.OldestAgeS)))
	case st.OldestAgeS >= int64(OutboxOldAfter/time.Second):
		h.Set(componentOutbox, CodeOutboxOld, health.Warning,
			fmt.Sprintf("%d item(s) waiting; the oldest is %s old", st.Pending, ageText(st.OldestAgeS)))
	default:
		h.SetOK(componentOutbox)
	}
}

// ageLoop refreshes the outbox's health as items age, until ctx ends.
func (s *submissions) ageLoop(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.setHealth(s.q.Status())
		}
	}
}

func ageText(sec int64) string { return (time.Duration(sec) * time.Second).String() }

// ApplicationID is the kiosk's number of the application with this
// idempotency key: 16 digits from its SHA-256, the same for the same key
// (the receipt's 受理编号 until the platform gives its own case number).
func ApplicationID(key string) string {
	sum := sha256.Sum256([]byte("kiosk-agent application id\x00" + key))
	return fmt.Sprintf("%016d", binary.BigEndian.Uint64(sum[:8])%1e16)
}

// Submit implements api.Outbox: the client's application, checked, into
// the outbox under its key.
func (s *submissions) Submit(ctx context.Context, key string, a protocol.Application) (protocol.ApplicationSubmitResult, error) {
	if a.RelatedToStaff == nil {
		return protocol.ApplicationSubmitResult{}, fmt.Errorf("%w: application.relatedToStaff: must be given (is a member a close relative of a caseworker or committee member?)", api.ErrBadApplication)
	}
	channel := a.Channel
	if channel == "" {
		channel = s.c.cfg.Flow.Mode
	}
	app := wire.Application{IdempotencyKey: key, HouseholdID: a.HouseholdID, Applicant: a.Applicant, Items: a.Items,
		Signatures: a.Signatures, Absent: a.Absent, RelatedToStaff: *a.RelatedToStaff, Channel: channel, Notes: a.Notes,
		Terminal: s.c.agentID, CreatedAt: a.CreatedAt}
	if app.Signatures == nil {
		app.Signatures = []wire.SignatureRef{}
	}
	item, err := s.enqueueApplication(ctx, app)
	if err != nil {
		return protocol.ApplicationSubmitResult{}, err
	}
	s.kickIfFailing(ctx)
	return protocol.ApplicationSubmitResult{ApplicationID: ApplicationID(key), Queued: item.State != outbox.StateDelivered}, nil
}

// check checks an application as the platform would: its contract, and
// the ID number's check character. The error wraps api.ErrBadApplication
// and names fields, never values.
func (s *submissions) check(app wire.Application) error {
	v := app
	if v.CreatedAt == "" {
		v.CreatedAt = "2000-01-01T00:00:00Z" // filled in at delivery
	}
	if err := s.contract.CheckValue("Application", v); err != nil {
		msg := err.Error()
		if _, rest, ok := strings.Cut(msg, "Application: "); ok {
			msg = rest
		}
		msg = strings.ReplaceAll(msg, "at /", "application./")
		return fmt.Errorf("%w: %s", api.ErrBadApplication, msg)
	}
	if err := idnumber.Validate(app.Applicant.IDNumber); err != nil {
		return fmt.Errorf("%w: application.applicant.idNumber: %s", api.ErrBadApplication, strings.TrimPrefix(err.Error(), "idnumber: "))
	}
	if app.CreatedAt != "" {
		if _, err := time.Parse(time.RFC3339, app.CreatedAt); err != nil {
			return fmt.Errorf("%w: application.createdAt: not an RFC 3339 time", api.ErrBadApplication)
		}
	}
	return nil
}

// enqueueApplication checks app and puts it in the outbox.
func (s *submissions) enqueueApplication(ctx context.Context, app wire.Application) (outbox.Item, error) {
	if err := s.check(app); err != nil {
		return outbox.Item{}, err
	}
	payload, err := json.Marshal(app)
	if err != nil {
		return outbox.Item{}, fmt.Errorf("%w: %v", api.ErrBadApplication, err)
	}
	item, err := s.q.Enqueue(ctx, outbox.KindApplication, app.IdempotencyKey, payload)
	clear(payload)
	return item, notSaved(err)
}

// notSaved wraps an Enqueue error that is not the caller's in
// api.ErrNotSaved.
func notSaved(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, outbox.ErrKeyConflict), errors.Is(err, outbox.ErrBadIdempotencyKey),
		errors.Is(err, outbox.ErrPayloadTooLarge), errors.Is(err, outbox.ErrBadKind):
		return err
	}
	return fmt.Errorf("%w: %w", api.ErrNotSaved, err)
}

// evidenceKey is the outbox key of a piece of evidence of the
// application with key appKey: base32 of its SHA-256 (letters and the
// digits 2-7, never a run of digits that reads as an ID number, which
// the outbox would refuse).
func evidenceKey(appKey string, body []byte) string {
	sum := sha256.Sum256(body)
	return appKey + ".e" + flowKeyEncoding.EncodeToString(sum[:10])
}

func evidencePayload(appKey, contentType string, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(evidencePrefix) + len(appKey) + len(contentType) + 2 + len(body))
	b.WriteString(evidencePrefix)
	b.WriteString(appKey)
	b.WriteByte('\n')
	b.WriteString(contentType)
	b.WriteByte('\n')
	b.Write(body)
	return b.Bytes()
}

func parseEvidence(p []byte) (appKey, contentType string, body []byte, err error) {
	rest, ok := bytes.CutPrefix(p, []byte(evidencePrefix))
	if !ok {
		return "", "", nil, errors.New("not an evidence item")
	}
	k, rest, ok1 := bytes.Cut(rest, []byte{'\n'})
	ct, body, ok2 := bytes.Cut(rest, []byte{'\n'})
	if !ok1 || !ok2 {
		return "", "", nil, errors.New("evidence item without its header")
	}
	return string(k), string(ct), body, nil
}

// deliver hands one item to the platform (the sender's Deliver). An
// error of the platform that says the same request would fail again
// (platform.Error's Permanent) parks the item.
func (s *submissions) deliver(ctx context.Context, it outbox.Item) error {
	p := s.c.sendTo
	var err error
	switch it.Kind {
	case outbox.KindApplication:
		var app wire.Application
		if err := json.Unmarshal(it.Payload, &app); err != nil {
			return outbox.Permanent(fmt.Errorf("the stored application is not JSON: %w", err))
		}
		if app.CreatedAt == "" {
			app.CreatedAt = it.Created.UTC().Format(time.RFC3339)
		}
		var sub wire.Submitted
		sub, err = p.Submit(ctx, app)
		if err == nil {
			s.c.log.Info("application delivered", "key", it.Key, "application", sub.ApplicationID, "duplicate", sub.Duplicate,
				"applicant", idnumber.Mask(app.Applicant.IDNumber))
		}
	case outbox.KindEvidence:
		key, ct, body, perr := parseEvidence(it.Payload)
		if perr != nil {
			return outbox.Permanent(perr)
		}
		err = p.UploadEvidence(ctx, key, ct, body)
	default:
		return outbox.Permanent(fmt.Errorf("the platform takes no %s items from this agent", it.Kind))
	}
	if err != nil {
		if platform.Transient(err) {
			s.c.platformFailed(err)
		}
		return err
	}
	s.c.platformAnswered()
	s.delivered.Inc()
	return nil
}

// flowOutbox is the flow's outbox: its application and evidence, each an
// item; the application last, so that once it is on disk everything is.
type flowOutbox struct{ s *submissions }

// flowKeyEncoding derives a key where the flow's would not do.
var flowKeyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// flowAppKey is the key the flow's application is queued and sent under:
// the flow's own, unless the outbox would refuse it (a random hex key can
// hold a run of digits that reads as an ID number); then one derived from
// it that cannot.
func flowAppKey(k string) string {
	if k != "" && outbox.ValidateKey(k) == nil {
		return k
	}
	sum := sha256.Sum256([]byte("kiosk-agent flow key\x00" + k))
	return flowKeyEncoding.EncodeToString(sum[:16])
}

func (f flowOutbox) Submit(ctx context.Context, sub flow.Submission) (flow.Submitted, error) {
	s := f.s
	app := sub.Application
	app.IdempotencyKey = flowAppKey(app.IdempotencyKey)
	if app.Signatures == nil {
		app.Signatures = []wire.SignatureRef{}
	}
	if err := s.check(app); err != nil {
		return flow.Submitted{}, err
	}
	// The evidence first, together (one group commit), then the
	// application.
	var wg sync.WaitGroup
	errs := make([]error, len(sub.Evidence))
	for i, ev := range sub.Evidence {
		wg.Go(func() {
			payload := evidencePayload(app.IdempotencyKey, ev.ContentType, ev.Body)
			_, errs[i] = s.q.Enqueue(ctx, outbox.KindEvidence, evidenceKey(app.IdempotencyKey, ev.Body), payload)
			clear(payload)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return flow.Submitted{}, notSaved(err)
	}
	item, err := s.enqueueApplication(ctx, app)
	if err != nil {
		return flow.Submitted{}, err
	}
	s.c.log.Info("application queued", "key", app.IdempotencyKey, "applicant", idnumber.Mask(app.Applicant.IDNumber),
		"items", strings.Join(app.Items, ","), "evidence", strconv.Itoa(len(sub.Evidence)))
	queued := s.awaitDelivery(ctx, item)
	return flow.Submitted{CaseNumber: ApplicationID(app.IdempotencyKey), Queued: queued}, nil
}

// kickIfFailing ends the sender's back-off when deliveries have been
// failing: a new submission is a sign of life worth a try (Kick is a
// synced write, so not for every submission: a sender that is not
// backing off takes the new item at once).
func (s *submissions) kickIfFailing(ctx context.Context) {
	if s.q.Status().Failing > 0 {
		s.q.Kick(context.WithoutCancel(ctx))
	}
}

// awaitDelivery kicks the sender and waits up to deliveryWait for the
// item to be delivered; it reports whether it is still queued.
func (s *submissions) awaitDelivery(ctx context.Context, it outbox.Item) bool {
	if it.State == outbox.StateDelivered {
		return false
	}
	s.kickIfFailing(ctx)
	ctx, cancel := context.WithTimeout(ctx, deliveryWait)
	defer cancel()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return true
		case <-t.C:
			got, err := s.q.Get(ctx, it.Key)
			if err == nil && got.State == outbox.StateDelivered {
				return false
			}
		}
	}
}

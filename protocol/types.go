package protocol

import "github.com/kiosk-agent/kiosk-agent/protocol/platform"

// HelloParams are the params of agent.hello; all optional. A page from a
// paired origin, and a native client where the agent asks for one,
// presents its pairing token here before anything else.
type HelloParams struct {
	Token  string      `json:"token,omitempty"`
	Client *ClientInfo `json:"client,omitempty"`
}

// ClientInfo is how a client introduces itself (for logs and the audit).
type ClientInfo struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// Hello is the result of agent.hello.
type Hello struct {
	Protocol string   `json:"protocol"`
	Version  string   `json:"version"`
	Devices  []Device `json:"devices"`
	Access   Access   `json:"access"`
	// EvidenceKey is the public key signature bundles are signed with.
	EvidenceKey *EvidenceKey `json:"evidenceKey,omitempty"`
}

// EvidenceKey is the agent's evidence signing key: the algorithm, its id
// (the first 16 hex digits of the SHA-256 of the raw key) and the raw
// public key (base64 of 32 bytes for Ed25519).
type EvidenceKey struct {
	Alg       string `json:"alg"`
	KeyID     string `json:"keyId"`
	PublicKey []byte `json:"publicKey"`
}

// Access is what the connection may do and see.
type Access struct {
	// Kind is how the client was admitted: "own" (the agent's pages),
	// "paired" (a paired origin or native client with its token),
	// "native" (a native client admitted by security.allowNative), or
	// "none" (not yet: present a token).
	Kind string `json:"kind"`
	// Origin is the page's origin ("" for native clients).
	Origin string `json:"origin"`
	// Authorized: the client may call methods and receives events.
	Authorized bool `json:"authorized"`
	// Fields are the card fields it receives (see CardFields).
	Fields []string `json:"fields"`
}

// Access kinds.
const (
	AccessOwn    = "own"
	AccessPaired = "paired"
	AccessNative = "native"
	AccessNone   = "none"
)

// HealthCheck is the health of one device or subsystem, as data.
type HealthCheck struct {
	Component string `json:"component"`
	Code      string `json:"code"`
	Severity  string `json:"severity"` // ok, warning, error
	Since     string `json:"since"`    // RFC 3339
	Message   string `json:"message,omitempty"`
}

// HealthReport is the result of health.get and the body of /healthz.
type HealthReport struct {
	Status string        `json:"status"` // ok, degraded, failing
	Checks []HealthCheck `json:"checks"`
}

// HealthEvent is the params of health.changed.
type HealthEvent struct {
	Check HealthCheck `json:"check"`
}

// DeviceState is a device's condition.
type DeviceState string

// Device states.
const (
	StateConnected    DeviceState = "connected"
	StateDisconnected DeviceState = "disconnected"
	StateBusy         DeviceState = "busy"
	StateError        DeviceState = "error"
)

// Device describes one device the agent drives.
type Device struct {
	Kind  string      `json:"kind"` // "idcard"
	ID    string      `json:"id"`
	Model string      `json:"model"`
	Port  string      `json:"port"`
	State DeviceState `json:"state"`
	// Error is the health message when the device is not working.
	Error  string      `json:"error,omitempty"`
	Health HealthCheck `json:"health"`
}

// Card is an ID card as sent to clients. Fields a card kind does not have
// are left out.
type Card struct {
	Type            string `json:"type"`
	Name            string `json:"name,omitempty"`
	NameEn          string `json:"nameEn,omitempty"`
	Sex             string `json:"sex,omitempty"`
	Nation          string `json:"nation,omitempty"`
	BirthDate       string `json:"birthDate,omitempty"`
	Address         string `json:"address,omitempty"`
	IDNumber        string `json:"idNumber,omitempty"`
	IDNumberMasked  string `json:"idNumberMasked,omitempty"`
	Issuer          string `json:"issuer,omitempty"`
	ValidFrom       string `json:"validFrom,omitempty"`
	ValidUntil      string `json:"validUntil,omitempty"`
	Nationality     string `json:"nationality,omitempty"`
	PassNumber      string `json:"passNumber,omitempty"`
	IssueCount      string `json:"issueCount,omitempty"`
	CardVersion     string `json:"cardVersion,omitempty"`
	IssuerCode      string `json:"issuerCode,omitempty"`
	AppendedAddress string `json:"appendedAddress,omitempty"`
	Birthplace      string `json:"birthplace,omitempty"`
	Photo           *Photo `json:"photo,omitempty"`
	// Fingerprint is the two templates as read, base64, when asked for.
	Fingerprint []byte `json:"fingerprint,omitempty"`
	// Incomplete names parts the reader could not read because the card
	// left half-way ("appendedAddress"): empty there means unknown, not
	// none. Placed again, the card reads whole.
	Incomplete []string `json:"incomplete,omitempty"`
}

// CardFields lists the card's field names, as a pairing's field policy
// names them. "type" and "incomplete" describe the card, not the person,
// and every client receives them.
func CardFields() []string {
	return []string{"type", "name", "nameEn", "sex", "nation", "birthDate", "address", "idNumber", "idNumberMasked",
		"issuer", "validFrom", "validUntil", "nationality", "passNumber", "issueCount", "cardVersion", "issuerCode",
		"appendedAddress", "birthplace", "photo", "fingerprint", "incomplete"}
}

// Photo is the card's photo: the raw WLT bytes (base64 on the wire) and,
// when a decoder is configured, a PNG (otherwise null).
type Photo struct {
	WLT []byte `json:"wlt"`
	PNG []byte `json:"png"`
}

// IDCardReadParams are the params of idcard.read.
type IDCardReadParams struct {
	// TimeoutMs is how long to wait for a card to be placed. 0 returns at
	// once: the card on the reader or NO_CARD.
	TimeoutMs *int `json:"timeoutMs,omitempty"`
	// Fingerprint asks for the fingerprint templates.
	Fingerprint bool `json:"fingerprint,omitempty"`
	// Purpose says why the card is read (e.g. "低保申请"), for the audit log.
	Purpose string `json:"purpose,omitempty"`
}

// IDCardReadResult is the result of idcard.read.
type IDCardReadResult struct {
	Card Card `json:"card"`
}

// SimPlaceParams are the params of sim.idcard.place: a card, or the index
// of a built-in sample card (default 0).
type SimPlaceParams struct {
	Card   *Card `json:"card,omitempty"`
	Sample *int  `json:"sample,omitempty"`
}

// Empty is the result of methods that return nothing, and the params of
// events that carry nothing.
type Empty struct{}

// CardEvent is the params of idcard.inserted.
type CardEvent struct {
	Card Card `json:"card"`
}

// CardErrorEvent is the params of idcard.error.
type CardErrorEvent struct {
	Reason  Reason `json:"reason"`
	Message string `json:"message"`
}

// DeviceEvent is the params of device.changed.
type DeviceEvent struct {
	Device Device `json:"device"`
}

// Receipt is a receipt the agent lays out and prints: the caller says
// what, the agent knows how (Chinese text by display width, rare
// characters as images, QR codes, the cut).
type Receipt struct {
	// Width is the paper width in mm: 58 or 80 (default: the printer's).
	Width  int            `json:"width,omitempty"`
	Blocks []ReceiptBlock `json:"blocks"`
	// Cut cuts the paper after the receipt (default true).
	Cut *bool `json:"cut,omitempty"`
}

// ReceiptBlock is one block of a receipt; Type says which fields apply.
type ReceiptBlock struct {
	// Type is "title", "text", "kv", "qr", "barcode", "divider",
	// "image" or "feed".
	Type  string `json:"type"`
	Text  string `json:"text,omitempty"`  // title, text
	Align string `json:"align,omitempty"` // text: "left" (default), "center", "right"
	Bold  bool   `json:"bold,omitempty"`  // text
	Size  int    `json:"size,omitempty"`  // text: 1 (default) or 2 (double width and height)
	Key   string `json:"key,omitempty"`   // kv
	Value string `json:"value,omitempty"` // kv
	Data  string `json:"data,omitempty"`  // qr, barcode (Code 128)
	PNG   []byte `json:"png,omitempty"`   // image (base64 PNG)
	Lines int    `json:"lines,omitempty"` // feed: 1 to 20
}

// PrintParams are the params of printer.print.
type PrintParams struct {
	Receipt Receipt `json:"receipt"`
	// Copies prints the receipt this many times (default 1, at most 5).
	Copies int `json:"copies,omitempty"`
	// Purpose says why (e.g. "低保申请回执"), for the audit log.
	Purpose string `json:"purpose,omitempty"`
}

// PrintResult is the result of printer.print: the job was accepted;
// printer.job events tell how it goes.
type PrintResult struct {
	JobID string `json:"jobId"`
}

// Job states, as printer.job events carry them.
const (
	JobQueued   = "queued"
	JobPrinting = "printing"
	JobDone     = "done"
	JobFailed   = "failed"
)

// JobEvent is the params of printer.job.
type JobEvent struct {
	JobID string `json:"jobId"`
	State string `json:"state"`
	// Reason says why a job failed: PAPER_OUT (kept: printer.resume prints
	// it once paper is back), COVER_OPEN, PRINTER_OFFLINE, CUTTER_ERROR,
	// DEVICE_DISCONNECTED.
	Reason Reason `json:"reason,omitempty"`
	// Resumable: printer.resume can print this failed job.
	Resumable bool   `json:"resumable,omitempty"`
	Message   string `json:"message,omitempty"`
	// Copy is which copy is printing or done (1-based), of Copies.
	Copy   int `json:"copy,omitempty"`
	Copies int `json:"copies,omitempty"`
}

// PrinterStatus is the result of printer.status.
type PrinterStatus struct {
	Online       bool `json:"online"`
	PaperOut     bool `json:"paperOut"`
	PaperNearEnd bool `json:"paperNearEnd"`
	CoverOpen    bool `json:"coverOpen"`
	// Error describes a printer error (cutter, unrecoverable), or a printer
	// that answers no status ("blind" mode): then nothing above is known.
	Error string `json:"error,omitempty"`
	// Blind: the printer is configured as one that answers no status.
	Blind bool `json:"blind,omitempty"`
}

// ResumeParams are the params of printer.resume.
type ResumeParams struct {
	JobID string `json:"jobId"`
}

// PreviewParams are the params of printer.preview.
type PreviewParams struct {
	Receipt Receipt `json:"receipt"`
}

// PreviewResult is the result of printer.preview: the receipt as the
// printer would print it, one PNG per cut page.
type PreviewResult struct {
	PNG []byte `json:"png"`
	// Width and Height are the image's size in dots (8 per mm).
	Width  int `json:"width"`
	Height int `json:"height"`
	// Missing lists characters no font could draw (they show as boxes).
	Missing []string `json:"missing,omitempty"`
}

// SimPrinterParams are the params of sim.printer: change the virtual
// printer's condition (only with --simulate).
type SimPrinterParams struct {
	// Paper: "out" (the roll ends now), "load" (a new roll),
	// "runOutAfter" (the roll ends after Rows more dot rows).
	Paper     string `json:"paper,omitempty"`
	Rows      int    `json:"rows,omitempty"`
	CoverOpen *bool  `json:"coverOpen,omitempty"`
}

// CaptureParams are the params of sigpad.capture.
type CaptureParams struct {
	Document CaptureDocument `json:"document"`
	Signer   CaptureSigner   `json:"signer"`
	// TimeoutMs bounds the whole capture (default 180000, at most 600000).
	TimeoutMs *int64 `json:"timeoutMs,omitempty"`
	// Source is "pad" (the signature pad; the default when there is one)
	// or "screen" (the client captures with pointer events and sends them
	// with sigpad.input).
	Source string `json:"source,omitempty"`
}

// CaptureDocument is the document being signed.
type CaptureDocument struct {
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	// SHA256 is the hex SHA-256 of the document itself.
	SHA256 string `json:"sha256"`
}

// CaptureSigner is who signs.
type CaptureSigner struct {
	Name string `json:"name"`
}

// CaptureResult is the result of sigpad.capture: the evidence bundle,
// verifiable offline with the agent's evidence key.
type CaptureResult struct {
	Bundle any `json:"bundle"`
}

// ButtonParams are the params of sigpad.button and sim.sigpad.button.
type ButtonParams struct {
	Button string `json:"button"` // "confirm", "retry", "cancel"
}

// Buttons of a capture.
const (
	ButtonConfirm = "confirm"
	ButtonRetry   = "retry"
	ButtonCancel  = "cancel"
)

// InputParams are the params of sigpad.input: samples of an on-screen
// signature, [t_ms, x, y, pressure, sw] in the canvas's pixels
// (pressure 0–1000; sw 1 while the pointer is down).
type InputParams struct {
	Samples [][5]int64 `json:"samples"`
	Width   int64      `json:"width"`
	Height  int64      `json:"height"`
}

// SimSignParams are the params of sim.sigpad.sign.
type SimSignParams struct {
	Text string `json:"text,omitempty"`
}

// SigpadSample is one pen report of a capture: in the ink's units (the
// signing box's, from its top left) and normalised to 0..1 (nx, ny, np)
// for drawing, t in ms from the first.
type SigpadSample struct {
	T  int64   `json:"t"`
	X  int64   `json:"x"`
	Y  int64   `json:"y"`
	P  int64   `json:"p"`
	SW int     `json:"sw"`
	NX float64 `json:"nx"`
	NY float64 `json:"ny"`
	NP float64 `json:"np"`
}

// StartedEvent is the params of sigpad.started, to the client that holds
// the capture: the signer may sign now. Width and Height are the ink's
// range (0 on the screen, where the client's canvas sets it); the box's
// aspect is Width:Height.
type StartedEvent struct {
	Source       string `json:"source"`
	Model        string `json:"model"`
	Width        int64  `json:"width"`
	Height       int64  `json:"height"`
	MaxPressure  int64  `json:"maxPressure"`
	PromptSHA256 string `json:"promptSha256"`
}

// SampleEvent is the params of sigpad.sample, sent to the client that
// holds the capture only.
type SampleEvent struct {
	Samples []SigpadSample `json:"samples"`
}

// PressedEvent is the params of sigpad.pressed: a button was pressed on
// the pad (or a key), to the client that holds the capture.
type PressedEvent struct {
	Button string `json:"button"`
}

// FlowStartParams are the params of flow.start.
type FlowStartParams struct {
	Kind string `json:"kind"` // "apply" or "progress"
}

// FlowActParams are the params of flow.act: the action and its own params.
type FlowActParams struct {
	Action         string  `json:"action"`
	Item           string  `json:"item,omitempty"`           // toggle
	RelatedToStaff *bool   `json:"relatedToStaff,omitempty"` // answer
	Page           int     `json:"page,omitempty"`           // page
	PIN            string  `json:"pin,omitempty"`            // pin (field mode)
	Notes          *string `json:"notes,omitempty"`          // notes (field: 入户记录; counter: the clerk's)
}

// StaffCallParams are the params of staff.call.
type StaffCallParams struct {
	Reason string `json:"reason,omitempty"`
}

// StaffCalledEvent is the params of staff.called: someone at the kiosk
// needs staff. It carries no personal data.
type StaffCalledEvent struct {
	Reason   string `json:"reason"` // call, card_left, read_failed
	Step     string `json:"step"`
	At       string `json:"at"`
	Terminal string `json:"terminal"`
	Window   string `json:"window,omitempty"`
}

// ApplicationSubmitParams are the params of application.submit: an
// application to put in the outbox, under the caller's idempotency key.
type ApplicationSubmitParams struct {
	Application *Application `json:"application"`
	// IdempotencyKey is the caller's random key (8 to 128 of
	// A-Z a-z 0-9 . _ : -, no personal data): the same key again answers
	// the same applicationId and queues nothing.
	IdempotencyKey string `json:"idempotencyKey"`
}

// Application is an application as a client submits it: the platform's
// Application without the idempotency key (a param of its own) and the
// terminal (the agent names itself).
type Application struct {
	// HouseholdID is the platform's household number; empty when no
	// record was found.
	HouseholdID string          `json:"householdId,omitempty"`
	Applicant   platform.Person `json:"applicant"`
	// Items are the item codes applied for (dibao, tekun, …).
	Items      []string                `json:"items"`
	Signatures []platform.SignatureRef `json:"signatures,omitempty"`
	// Absent are the member IDs of members to sign later.
	Absent []string `json:"absent,omitempty"`
	// RelatedToStaff answers whether a member is a close relative of a
	// caseworker or committee member; it must be given.
	RelatedToStaff *bool `json:"relatedToStaff"`
	// Channel is kiosk, counter or field; empty: the agent's flow.mode.
	Channel string `json:"channel,omitempty"`
	Notes   string `json:"notes,omitempty"`
	// CreatedAt is when the applicant confirmed (RFC 3339); empty: when
	// the agent queued it.
	CreatedAt string `json:"createdAt,omitempty"`
}

// ApplicationSubmitResult is the result of application.submit: the
// application is on the agent's disk and will be delivered.
type ApplicationSubmitResult struct {
	// ApplicationID is the kiosk's number of the application (16 digits,
	// the same for the same idempotency key); the platform gives its own
	// case number once it has the application.
	ApplicationID string `json:"applicationId"`
	// Queued: not at the platform yet (it always is on the first answer;
	// a repeated submission may find it delivered).
	Queued bool `json:"queued"`
}

// OutboxList is the result of outbox.list: every item not yet at the
// platform, oldest first.
type OutboxList struct {
	Items []OutboxItem `json:"items"`
}

// OutboxItem is one undelivered item of the outbox, as an operator sees
// it: what it is and how its delivery goes, never its content.
type OutboxItem struct {
	// Key is the idempotency key (what outbox.retry takes).
	Key string `json:"key"`
	// Kind is "application", "evidence" or "visit".
	Kind string `json:"kind"`
	// State is "pending" (the sender tries it) or "refused" (the platform
	// refused it for good; it waits for outbox.retry and is never dropped).
	State string `json:"state"`
	// Attempts counts the deliveries tried.
	Attempts int `json:"attempts"`
	// Created, LastAttempt and NextAttempt are RFC 3339 times; the last
	// two are absent when there is none.
	Created     string `json:"created"`
	LastAttempt string `json:"lastAttempt,omitempty"`
	NextAttempt string `json:"nextAttempt,omitempty"`
	// Error is the last failed attempt's error, cut to 300 characters,
	// with digit runs that could be ID numbers masked; absent after a
	// success or before any attempt.
	Error string `json:"error,omitempty"`
}

// OutboxRetryParams are the params of outbox.retry: the key of one item
// to try again now (a refused one goes back in line), or none to try
// every pending item now (the network is known to be back).
type OutboxRetryParams struct {
	Key string `json:"key,omitempty"`
}

// OutboxStatus is the result of outbox.status and the params of
// outbox.changed: the backlog of submissions (applications and their
// evidence) not yet at the platform.
type OutboxStatus struct {
	// Pending counts the items not delivered yet.
	Pending int `json:"pending"`
	// Failing counts the pending items whose last attempt failed (the
	// platform down, or refusing them).
	Failing int `json:"failing"`
	// OldestAgeS is the age in seconds of the oldest pending item; 0 when
	// there is none.
	OldestAgeS int64 `json:"oldestAgeS"`
	// Applications counts the pending items that are applications (the
	// others are their evidence and home-visit records): what the screen
	// tells a worker is still to go.
	Applications int `json:"applications"`
}

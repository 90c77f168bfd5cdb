package protocol

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

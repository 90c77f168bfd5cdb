package protocol

// Hello is the result of agent.hello.
type Hello struct {
	Protocol string   `json:"protocol"`
	Version  string   `json:"version"`
	Devices  []Device `json:"devices"`
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
	Error string      `json:"error,omitempty"`
}

// Card is an ID card as sent to clients. Fields a card kind does not have
// are left out.
type Card struct {
	Type            string `json:"type"`
	Name            string `json:"name"`
	NameEn          string `json:"nameEn,omitempty"`
	Sex             string `json:"sex"`
	Nation          string `json:"nation,omitempty"`
	BirthDate       string `json:"birthDate"`
	Address         string `json:"address,omitempty"`
	IDNumber        string `json:"idNumber"`
	Issuer          string `json:"issuer,omitempty"`
	ValidFrom       string `json:"validFrom"`
	ValidUntil      string `json:"validUntil"`
	Nationality     string `json:"nationality,omitempty"`
	PassNumber      string `json:"passNumber,omitempty"`
	IssueCount      string `json:"issueCount,omitempty"`
	CardVersion     string `json:"cardVersion,omitempty"`
	IssuerCode      string `json:"issuerCode,omitempty"`
	AppendedAddress string `json:"appendedAddress,omitempty"`
	Birthplace      string `json:"birthplace,omitempty"`
	Photo           Photo  `json:"photo"`
	// Fingerprint is the two templates as read, base64, when asked for.
	Fingerprint []byte `json:"fingerprint,omitempty"`
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

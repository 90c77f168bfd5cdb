package evidence

import (
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad/ink"
)

// The bundle's format and version.
const (
	Format  = "kiosk-agent.signature"
	Version = 1
)

// Manifest is what a bundle signs. Build fills in Renderer, Render's
// defaults, PNG and SVG.
type Manifest struct {
	Document   Document  `json:"document"`
	Signer     Signatory `json:"signer"`
	Device     Device    `json:"device"`
	CapturedAt time.Time `json:"capturedAt"`
	Agent      Agent     `json:"agent"`
	// PromptSHA256 is the hex SHA-256 of the image shown on the pad (or
	// the screen) while the person signed.
	PromptSHA256 string `json:"promptSha256"`
	Ink          Ink    `json:"ink"`
	// Renderer names the drawing code that made PNG and SVG ("ink/1").
	Renderer string `json:"renderer"`
	Render   Render `json:"render"`
	PNG      []byte `json:"png"`
	SVG      string `json:"svg"`
}

// Document is what was signed: its title and the hex SHA-256 the caller
// passed in.
type Document struct {
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
}

// Signatory is who signed.
type Signatory struct {
	Name string `json:"name"`
}

// Device is what the signature was written on: Kind "sigpad" with a Model
// (and a Serial if the pad tells it), or Kind "screen".
type Device struct {
	Kind   string `json:"kind"`
	Model  string `json:"model,omitempty"`
	Serial string `json:"serial,omitempty"`
}

// The device kinds.
const (
	DeviceSigpad = "sigpad"
	DeviceScreen = "screen"
)

// Agent is the agent that captured the signature.
type Agent struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// Ink is the pen's reports, as the device sent them.
type Ink struct {
	// Unit says what one unit of x and y is ("0.01mm" for a Wacom STU,
	// "px" for a screen).
	Unit string `json:"unit"`
	// Width and Height are the largest x and y; MaxPressure the largest
	// pressure (0: the device has none).
	Width       int64 `json:"width"`
	Height      int64 `json:"height"`
	MaxPressure int64 `json:"maxPressure"`
	// Dropped is how many reports the device numbered but never
	// delivered.
	Dropped int64 `json:"dropped"`
	// Samples are [t_ms, x, y, pressure, sw], t from the first sample.
	Samples []ink.Sample `json:"samples"`
}

// Pad is the ink's coordinate space, as the renderer takes it.
func (i Ink) Pad() ink.Pad {
	return ink.Pad{MaxX: i.Width, MaxY: i.Height, MaxPressure: i.MaxPressure}
}

// Render are the renderer's options, recorded so the renderings can be
// made again: the picture's size in pixels, the ink's colour, the
// background ("transparent" or "#rrggbb") and the stroke's width at no
// and at full pressure in hundredths of a pixel. Zero values take the
// renderer's defaults, which Build records.
type Render struct {
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Color      string `json:"color"`
	Background string `json:"background"`
	MinWidth   int    `json:"minWidth"`
	MaxWidth   int    `json:"maxWidth"`
}

// options turns r into the renderer's options.
func (r Render) options() (ink.Options, error) {
	o := ink.Options{Width: r.Width, Height: r.Height, MinWidth: r.MinWidth, MaxWidth: r.MaxWidth}
	if r.Color != "" {
		c, err := ink.ParseColor(r.Color)
		if err != nil {
			return o, err
		}
		if c.A == 0 {
			return o, fmt.Errorf("%w: the ink's colour cannot be transparent", ink.ErrOptions)
		}
		o.Color = c
	}
	if r.Background != "" {
		c, err := ink.ParseColor(r.Background)
		if err != nil {
			return o, err
		}
		o.Background = c
	}
	return o, nil
}

// renderOf records resolved options.
func renderOf(o ink.Options) Render {
	return Render{
		Width:      o.Width,
		Height:     o.Height,
		Color:      ink.FormatColor(o.Color),
		Background: ink.FormatColor(o.Background),
		MinWidth:   o.MinWidth,
		MaxWidth:   o.MaxWidth,
	}
}

package webview

import (
	_ "embed"
	"encoding/json"
	"time"
)

//go:embed lock.js
var lockJS string

//go:embed lock.css
var lockCSS string

// BeatFunction is the name of the function bound in every page of the
// window that the locking script calls with a Beat.
const BeatFunction = "__kioskAgentBeat"

// BeatInterval is how often the locking script sends a heartbeat.
const BeatInterval = 2 * time.Second

// Beat is what the locking script sends with each heartbeat.
type Beat struct {
	Href  string `json:"href"`
	Title string `json:"title"`
	// Ready is document.readyState.
	Ready string `json:"ready"`
	// Refused counts the events the script refused in this document, by
	// type ("contextmenu", "wheel", "keydown", "touchstart", "dragstart" ...).
	Refused map[string]int `json:"refused"`
	// Probe is there when Options.Report is set.
	Probe *Probe `json:"probe,omitempty"`
}

// Probe is what the page looks like, measured in the page.
type Probe struct {
	// Width and Height are the viewport's size in CSS pixels; at zoom 1 on
	// a monitor with a device pixel ratio of 1 they are the window's.
	Width  int     `json:"width"`
	Height int     `json:"height"`
	DPR    float64 `json:"dpr"`
	// Scale is the pinch-zoom scale (visualViewport.scale).
	Scale float64 `json:"scale"`
	// Text is the largest one-line run of Chinese text in view, with its
	// box in CSS pixels; nil when there is none (or none has a size: without
	// a CJK font WebKit draws Chinese as nothing at all).
	Text *TextBox `json:"text"`
	// Chars counts the characters of the Chinese runs in visible elements.
	Chars int    `json:"chars"`
	Error string `json:"error,omitempty"`
}

// TextBox is a run of text and where it is drawn.
type TextBox struct {
	S     string  `json:"s"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
	Color string  `json:"color"`
}

// Script is the locking script for the window's pages: it blocks what
// only the page can block and sends the heartbeat (with a Probe when
// probe is set).
func Script(probe bool) string {
	cfg, _ := json.Marshal(map[string]any{
		"beat":     BeatFunction,
		"interval": BeatInterval.Milliseconds(),
		"probe":    probe,
	})
	// A function's parameter, not a global: the page's own names stay
	// free.
	return "(function (CFG) {\n" + lockJS + "})(" + string(cfg) + ");\n"
}

// StyleSheet is the locking user style sheet; hideCursor adds a rule that
// hides the mouse pointer everywhere.
func StyleSheet(hideCursor bool) string {
	if hideCursor {
		return lockCSS + "* { cursor: none !important; }\n"
	}
	return lockCSS
}

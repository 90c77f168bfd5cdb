// Package config is the agent's configuration: one TOML file, decoded
// strictly, with a command-line flag for every key.
//
// One table of settings (key, flag, default, meaning, rule) drives
// everything here: the defaults (Default), the flags (Bind), validation
// (Config.Validate), the commented example file (Example) and the README's
// table (Markdown).
//
// Decoding is strict, in the manner of Caddy: an unknown key or table, a
// value of the wrong type and a value out of range are all errors, every
// one of them reported at once with the file, line and dotted key it is
// about:
//
//	/etc/kiosk-agent/kiosk-agent.toml:7: idcard.pollInterval: 100ms is too short: must be at least 300ms (readers fail when polled faster)
//
// The life cycle is that of a Caddy module: start from Default, decode the
// file over it, apply the flags the user set, then Validate.
package config

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is everything the agent can be told at start-up. The toml tags are
// the keys of the configuration file.
type Config struct {
	// StateDir is where the agent keeps what it remembers: the reader's
	// port, pairings, the audit log, the single-instance lock.
	StateDir string `toml:"stateDir"`
	// Simulate runs simulated devices and the demo platform instead of
	// real ones, enables the sim.* methods and /sim.html, and implies
	// Security.AllowNative.
	Simulate bool `toml:"simulate"`
	// MaxProcs is how many threads run Go code at once (GOMAXPROCS); 0
	// means one per CPU.
	MaxProcs int `toml:"maxProcs"`

	Server   Server   `toml:"server"`
	Security Security `toml:"security"`
	IDCard   IDCard   `toml:"idcard"`
	Photo    Photo    `toml:"photo"`
	Printer  Printer  `toml:"printer"`
	Sigpad   Sigpad   `toml:"sigpad"`
	Flow     Flow     `toml:"flow"`
	Office   Office   `toml:"office"`
	Staff    Staff    `toml:"staff"`
	Platform Platform `toml:"platform"`
	Precheck Precheck `toml:"precheck"`
	Outbox   Outbox   `toml:"outbox"`
	Log      Log      `toml:"log"`
	Audit    Audit    `toml:"audit"`
}

// Server is the [server] table: the HTTP and WebSocket server.
type Server struct {
	// Listen is the HTTP/WebSocket address, host:port.
	Listen string `toml:"listen"`
	// AllowRemote permits a Listen address that is not loopback.
	AllowRemote bool `toml:"allowRemote"`
	// MaxMessageBytes is the largest inbound WebSocket message.
	MaxMessageBytes int `toml:"maxMessageBytes"`
	// MaxClients is how many WebSocket clients may be connected at once.
	MaxClients int `toml:"maxClients"`
	// CallsPerSecond is the sustained rate of calls allowed per client.
	CallsPerSecond float64 `toml:"callsPerSecond"`
	// CallBurst is how many calls a client may make at once before
	// CallsPerSecond applies.
	CallBurst int `toml:"callBurst"`
	// IdleTimeout is how long an idle HTTP keep-alive connection is kept.
	IdleTimeout Duration `toml:"idleTimeout"`
}

// Security is the [security] table.
type Security struct {
	// AllowNative lets native clients (requests without an Origin header)
	// use the API without a pairing token. Config.AllowsNative also
	// counts Simulate.
	AllowNative bool `toml:"allowNative"`
}

// IDCard is the [idcard] table: the ID card reader.
type IDCard struct {
	// Port is "auto", "usb", "none" or a serial device path.
	Port string `toml:"port"`
	// ExcludePorts are never probed when Port is "auto".
	ExcludePorts []string `toml:"excludePorts"`
	// PollInterval is how often the reader is asked for a card.
	PollInterval Duration `toml:"pollInterval"`
	// ReadFingerprints reads every card's fingerprint templates, not only
	// for callers that ask.
	ReadFingerprints bool `toml:"readFingerprints"`
}

// Photo is the [photo] table: the vendor's WLT photo decoder.
type Photo struct {
	// Library is the decoder library's path; empty for none.
	Library string `toml:"library"`
	// ABI is how to call it: "unpack", "buffer", "wlttobmp" or "getbmp".
	ABI string `toml:"abi"`
	// Symbol is the library's entry point; empty for the ABI's usual name.
	Symbol string `toml:"symbol"`
	// Flag is the integer some entry points take.
	Flag int `toml:"flag"`
}

// Printer is the [printer] table: the receipt printer.
type Printer struct {
	// Port is "none", a serial device path, "tcp://HOST:PORT", a
	// /dev/usb/lpN node, or "usb:VVVV:PPPP".
	Port string `toml:"port"`
	// Baud is the serial line's rate (the printer's DIP switches).
	Baud int `toml:"baud"`
	// Profile names the printer model's profile (paper width, what its
	// font prints, native QR, cut command).
	Profile string `toml:"profile"`
	// Blind: the printer answers no status.
	Blind bool `toml:"blind"`
	// Font is a font file for what the printer's own font cannot print
	// (rare characters) and for previews; empty: the system's CJK fonts.
	Font string `toml:"font"`
}

// Sigpad is the [sigpad] table: the signature pad.
type Sigpad struct {
	// Port is "auto", "none", a HID device path or "usb:VVVV:PPPP".
	Port string `toml:"port"`
	// Font is a font file for the pad's prompt; empty: the printer's, then
	// the system's CJK fonts.
	Font string `toml:"font"`
}

// Flow is the [flow] table: the application flow.
type Flow struct {
	// Mode is "kiosk", "counter" or "field".
	Mode string `toml:"mode"`
	// Window is the service window people are sent to.
	Window string `toml:"window"`
	// Workers are the field workers who may unlock a field-mode device:
	// "CARD SECRET" entries made by kiosk-agent field-worker.
	Workers []string `toml:"workers"`
}

// Office is the [office] table: the offices the documents and receipts
// name. Empty fields print the general wording.
type Office struct {
	// Name is the accepting office (镇/街道 便民服务中心).
	Name string `toml:"name"`
	// CivilAffairs is the county civil-affairs bureau (民政局).
	CivilAffairs string `toml:"civilAffairs"`
	// CheckAgency is the bureau's household-checking agency (核对中心).
	CheckAgency string `toml:"checkAgency"`
	// Address is the bureau's address.
	Address string `toml:"address"`
	// Phone is the consultation number.
	Phone string `toml:"phone"`
}

// Staff is the [staff] table: calls for staff.
type Staff struct {
	// Webhook is an http(s) URL every staff call is POSTed to; empty for
	// none.
	Webhook string `toml:"webhook"`
}

// Platform is the [platform] table: the social-assistance data platform
// the kiosk looks households up on and submits applications to.
type Platform struct {
	// URL is the platform's address (https://host[:port][/prefix]; http://
	// to a loopback address only). Empty: the embedded demo platform, a
	// database in the state directory.
	URL string `toml:"url"`
	// CA is a PEM file of the CA certificates that may sign the
	// platform's certificate; empty: the system's roots.
	CA string `toml:"ca"`
	// Cert and Key are the kiosk's client certificate and its key (PEM)
	// for mutual TLS; both or neither.
	Cert string `toml:"cert"`
	Key  string `toml:"key"`
	// Timeout bounds one request to the platform.
	Timeout Duration `toml:"timeout"`
}

// Precheck is the [precheck] table: the eligibility pre-check.
type Precheck struct {
	// Rules is the rules file (TOML); empty: the embedded rules.
	Rules string `toml:"rules"`
}

// Outbox is the [outbox] table: the durable queue of submissions.
type Outbox struct {
	// Retention is how long a delivered item's record is kept (its
	// content is wiped at delivery), so that a late retry of its
	// idempotency key is still recognised.
	Retention Duration `toml:"retention"`
}

// Log is the [log] table.
type Log struct {
	// Level is "debug", "info", "warn" or "error".
	Level string `toml:"level"`
	// Format is "text" or "json".
	Format string `toml:"format"`
	// File is a log file besides standard error; empty: none, except as a
	// Windows service (see Config.LogFile).
	File string `toml:"file"`
}

// Audit is the [audit] table: the hash-chained audit log.
type Audit struct {
	// Dir is where the audit log lives; empty means <StateDir>/audit (see
	// Config.AuditDir).
	Dir string `toml:"dir"`
	// MaxFileBytes is the size at which the audit file is rotated.
	MaxFileBytes int64 `toml:"maxFileBytes"`
	// KeepFiles is how many rotated audit files are kept; 0 keeps all.
	KeepFiles int `toml:"keepFiles"`
}

// Duration is a time.Duration written in TOML as a string such as "500ms"
// or "2s". A bare number is refused, since its unit would be a guess.
type Duration struct {
	time.Duration
}

// UnmarshalText parses a duration such as "500ms" or "1m30s".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := parseDuration(string(text))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as time.Duration.String does ("1m0s").
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.Duration.String()), nil
}

// parseDuration is time.ParseDuration with an error that shows an example.
func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New(notDuration(strconv.Quote(s)))
	}
	return v, nil
}

// notDuration says that what (a quoted string, or a description of a TOML
// value) is not a duration, and shows how to write one.
func notDuration(what string) string {
	return what + ` is not a duration: write it as a string such as "500ms", "2s" or "1m30s"`
}

// Default returns the configuration used for every key that neither the file
// nor a flag sets.
func Default() Config {
	var c Config
	for _, s := range settings() {
		def := s.def
		if s.key == keyStateDir {
			def = DefaultStateDir()
		}
		if msg := setText(field(&c, s.key), def); msg != "" {
			panic("config: the default of " + s.key + ": " + msg)
		}
	}
	return c
}

// DefaultStateDir is where the agent keeps what it remembers unless told
// otherwise: the system's state directory when it runs as a service
// (/var/lib/kiosk-agent as root on Linux, %ProgramData%\kiosk-agent on
// Windows), the user's otherwise ($XDG_STATE_HOME/kiosk-agent on Linux, or
// ~/.local/state/kiosk-agent). It is empty when none of them can be found.
func DefaultStateDir() string {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("ProgramData"); d != "" {
			return filepath.Join(d, "kiosk-agent")
		}
	case "linux":
		if os.Geteuid() == 0 {
			return "/var/lib/kiosk-agent"
		}
		if d := os.Getenv("XDG_STATE_HOME"); d != "" {
			return filepath.Join(d, "kiosk-agent")
		}
	}
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".local", "state", "kiosk-agent")
	}
	return ""
}

// DefaultPath is the configuration file read when --config is not given:
// /etc/kiosk-agent/kiosk-agent.toml, or %ProgramData%\kiosk-agent\kiosk-agent.toml
// on Windows.
func DefaultPath() string {
	if runtime.GOOS == "windows" {
		d := os.Getenv("ProgramData")
		if d == "" {
			d = `C:\ProgramData`
		}
		return filepath.Join(d, "kiosk-agent", "kiosk-agent.toml")
	}
	return "/etc/kiosk-agent/kiosk-agent.toml"
}

// AuditDir is where the audit log lives: Audit.Dir, or "audit" in StateDir
// when that is empty.
func (c Config) AuditDir() string {
	if c.Audit.Dir != "" {
		return c.Audit.Dir
	}
	return filepath.Join(c.StateDir, "audit")
}

// LogFile is the log file to write: Log.File, or, when that is empty and
// nobody reads standard error (managed: a Windows service),
// <StateDir>/logs/kiosk-agent.log; empty for none.
func (c Config) LogFile(managed bool) string {
	if c.Log.File != "" || !managed {
		return c.Log.File
	}
	return filepath.Join(c.StateDir, "logs", "kiosk-agent.log")
}

// ListenIsLoopback reports whether Server.Listen is a loopback address
// (127.0.0.0/8, ::1 or localhost), which only this machine can reach.
func (c Config) ListenIsLoopback() bool {
	host, _, err := net.SplitHostPort(c.Server.Listen)
	return err == nil && isLoopbackHost(host)
}

// AllowsNative reports whether native clients (requests without an Origin
// header) may use the API without a pairing token: Security.AllowNative,
// which Simulate implies.
func (c Config) AllowsNative() bool {
	return c.Security.AllowNative || c.Simulate
}

// isLoopbackHost reports whether host (from net.SplitHostPort) can only be
// reached from this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i] // an IPv6 zone
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Warnings lists what a valid configuration will still not do as a
// technician surely means it to: each a plain sentence for
// "config check". Nothing here stops the agent, which logs the same at
// start.
func (c Config) Warnings() []string {
	var w []string
	if c.Flow.Mode == "field" && len(c.Flow.Workers) == 0 && !c.Simulate {
		w = append(w, "flow.mode is field but flow.workers is empty: nobody can unlock this device "+
			"(kiosk-agent field-worker makes an entry)")
	}
	if c.Platform.URL == "" && !c.Simulate {
		w = append(w, "platform.url is empty: applications go to the embedded demo platform of fictional "+
			"households, not to the city's platform")
	}
	return w
}

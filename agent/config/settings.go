package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kiosk-agent/kiosk-agent/agent/fieldauth"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/wlt"
)

// keyStateDir is the one key whose default depends on the machine.
const keyStateDir = "stateDir"

// setting is one key of the configuration file and its flag. The list in
// settings is the only description of the keys: the defaults, the flags,
// validation, the example file and the README table all come from it.
type setting struct {
	key     string // dotted TOML key: "idcard.pollInterval"
	flag    string // flag name without dashes: "poll-interval"
	arg     string // the flag's argument in usage texts: "DUR"; empty for booleans
	def     string // the default as written on the command line
	defDoc  string // the default as the docs show it (markdown), when def does not say it
	usage   string // one line for --help; holds arg in backquotes
	meaning string // the docs' meaning (markdown)
	rule    rule   // what values are allowed beyond their type
}

// rule is what a setting allows beyond the type of its value.
type rule struct {
	// doc says what is allowed (markdown), appended to the meaning in the
	// docs; empty when the meaning says it already.
	doc string
	// check returns the problem with v, the setting's field in c, in plain
	// English, or "" when there is none.
	check func(c *Config, v reflect.Value) string
	// values are the values allowed, when the rule is a list of them.
	values []string
}

// settings returns the description of every key, in the order of the
// example file and the README table.
func settings() []setting {
	return []setting{
		{
			key: keyStateDir, flag: "state-dir", arg: "DIR",
			defDoc: "`/var/lib/kiosk-agent` as root on Linux, else `$XDG_STATE_HOME/kiosk-agent` " +
				"or `~/.local/state/kiosk-agent`; `%ProgramData%\\kiosk-agent` on Windows",
			usage: "keep what the agent remembers in `DIR` (default: per system)",
			meaning: "where the agent keeps what it remembers: the reader's port (`discover.json`), the pairings, " +
				"the audit log, the outbox of submissions (`outbox.db`, encrypted with the key in `outbox-key`), the " +
				"embedded demo platform (`platform-demo/`) and the single-instance lock",
			rule: rule{check: func(_ *Config, v reflect.Value) string {
				if v.String() == "" {
					return "is empty: name a directory"
				}
				return ""
			}},
		},
		{
			key: "simulate", flag: "simulate", def: "false",
			usage: "run simulated devices and the demo platform",
			meaning: "simulated devices (the reader behind a pseudo-terminal, an in-memory pipe on Windows, " +
				"driven through the real serial code) and the demo platform; enables the `sim.*` methods and " +
				"`/sim.html`, and implies `security.allowNative`",
		},
		{
			key: "maxProcs", flag: "max-procs", arg: "N", def: "1",
			usage: "run Go code on at most `N` threads at once (0: one per CPU)",
			meaning: "how many threads run Go code at once (`GOMAXPROCS`; the environment variable of that name " +
				"overrides it). One serves a kiosk's few clients with room to spare and halves what an idle agent " +
				"costs (the scheduler's handoffs between threads dominate it); `0` means one per CPU",
			rule: intRange(0, 1024),
		},
		{
			key: "server.listen", flag: "listen", arg: "ADDR", def: "127.0.0.1:17321",
			usage: "serve HTTP and WebSocket on `ADDR` (host:port)",
			meaning: "HTTP and WebSocket address, `host:port`. Keep it on loopback (`127.0.0.0/8`, `::1`, " +
				"`localhost`): any other host needs `server.allowRemote`",
			rule: rule{check: checkListen},
		},
		{
			key: "server.allowRemote", flag: "allow-remote", def: "false",
			usage: "permit a listen address that is not loopback",
			meaning: "permit a `server.listen` address that is not loopback, so that other machines can reach " +
				"the agent (it then logs a loud warning)",
		},
		{
			key: "server.maxMessageBytes", flag: "max-message-bytes", arg: "N", def: "65536",
			usage:   "refuse WebSocket messages larger than `N` bytes",
			meaning: "the largest WebSocket message a client may send, in bytes",
			rule:    intRange(1024, 16<<20),
		},
		{
			key: "server.maxClients", flag: "max-clients", arg: "N", def: "64",
			usage:   "serve at most `N` WebSocket clients at once",
			meaning: "how many WebSocket clients may be connected at once",
			rule:    intRange(1, 10000),
		},
		{
			key: "server.callsPerSecond", flag: "calls-per-second", arg: "N", def: "20",
			usage:   "let each client make `N` calls per second, sustained",
			meaning: "how many calls per second each client may make, sustained (a fraction is fine)",
			rule:    floatRange(10000),
		},
		{
			key: "server.callBurst", flag: "call-burst", arg: "N", def: "40",
			usage:   "let each client make `N` calls at once before the rate applies",
			meaning: "how many calls a client may make at once before `server.callsPerSecond` applies",
			rule:    intRange(1, math.MaxInt64),
		},
		{
			key: "server.idleTimeout", flag: "idle-timeout", arg: "DUR", def: "60s",
			usage:   "close an idle HTTP keep-alive connection after `DUR`",
			meaning: "how long an idle HTTP keep-alive connection is kept open",
			rule:    durationRange(time.Second, 0, ""),
		},
		{
			key: "security.allowNative", flag: "allow-native", def: "false",
			usage:   "let native clients (no Origin header) use the API without pairing",
			meaning: "let native clients (requests without an `Origin` header) use the API without a pairing token",
		},
		{
			key: "idcard.port", flag: "idcard-port", arg: "PATH", def: "auto",
			usage: "the ID card reader's serial device `PATH` (/dev/ttyUSB0, COM3), or auto, usb or none",
			meaning: "the reader's serial device (`/dev/ttyUSB0`, `/dev/ttyS1`, `COM3`); `usb` for a 部标 USB bulk " +
				"reader (0400:C35A, needs a `-tags libusb` build); `auto` searches: a USB bulk reader first, then " +
				"the remembered serial port, then the other serial ports (known reader and USB-bridge IDs first) " +
				"at 115200, then 57600/38400/19200/9600 baud, each confirmed by the SAM status command; `none` " +
				"runs without a reader. With `simulate` only `auto` or `none`: the simulated reader takes its place",
			rule: rule{check: checkPort},
		},
		{
			key: "idcard.excludePorts", flag: "exclude-port", arg: "PATH",
			usage: "never probe `PATH` when searching for the reader (repeatable)",
			meaning: "ports never probed when searching: probing writes 10 bytes, which a receipt printer on a " +
				"serial port would print. `--exclude-port` is repeatable and replaces the file's list",
			rule: rule{check: func(_ *Config, v reflect.Value) string {
				for i := range v.Len() {
					if v.Index(i).String() == "" {
						return fmt.Sprintf("entry %d is empty: name a port", i+1)
					}
				}
				return ""
			}},
		},
		{
			key: "idcard.pollInterval", flag: "poll-interval", arg: "DUR", def: "500ms",
			usage:   "ask the reader for a card every `DUR`",
			meaning: "how often the reader is asked for a card",
			rule:    durationRange(300*time.Millisecond, 10*time.Second, "readers fail when polled faster"),
		},
		{
			key: "idcard.readFingerprints", flag: "read-fingerprints", def: "false",
			usage: "read the fingerprint templates of every card",
			meaning: "read every card's fingerprint templates (30 10). Off, they are read only for a caller that " +
				"asks (`idcard.read {\"fingerprint\": true}`); a reader that will not re-select a card it has read " +
				"then answers `CARD_REPLACE` for a card already read, and reads the next placement with them. " +
				"Either way they stay in memory only while the card is on the reader and go only to the caller " +
				"that asked",
		},
		{
			key: "photo.library", flag: "photo-library", arg: "PATH",
			usage: "decode photos with the vendor's WLT library at `PATH` (.so, .dll)",
			meaning: "the vendor's WLT photo decoder (`libwlt2019.so`, `WltRS.dll`, …). Without one, " +
				"`photo.png` is `null` and the UI shows a placeholder",
		},
		{
			key: "photo.abi", flag: "photo-abi", arg: "ABI", def: wlt.ABIUnpack,
			usage: "call the photo decoder with `ABI`",
			meaning: "how to call it: `unpack` (`int unpack(src, dst, flag)`), `buffer` " +
				"(`int fn(wlt, out, 102, 126)`), `wlttobmp` (`int WltToBmp(wlt, bmp)`), `getbmp` " +
				"(`int GetBmp(path, intf)`, file based)",
			rule: oneOf(wlt.ABIUnpack, wlt.ABIBuffer, wlt.ABIWltToBmp, wlt.ABIGetBmp),
		},
		{
			key: "photo.symbol", flag: "photo-symbol", arg: "NAME",
			defDoc:  "the ABI's usual name",
			usage:   "the photo decoder's entry point `NAME`, if not the ABI's usual one",
			meaning: "the library's entry point",
		},
		{
			key: "photo.flag", flag: "photo-flag", arg: "N", def: "0",
			usage: "pass `N` to photo decoder entry points that take an integer",
			meaning: "the integer some entry points take (e.g. `unpack`'s vendor code: 602/603 on arm64, 158/159 " +
				"on x86-64)",
		},
		{
			key: "printer.port", flag: "printer-port", arg: "PORT", def: "none",
			usage: "the receipt printer at `PORT`: a serial device, tcp://HOST:PORT, /dev/usb/lpN, usb:VVVV:PPPP, or none",
			meaning: "the receipt printer: a serial device (`/dev/ttyS1`, `COM2`), `tcp://HOST:9100` (network printers), " +
				"`/dev/usb/lp0` (USB printers through the kernel's usblp driver), `usb:VVVV:PPPP` (USB printers through " +
				"libusb, a `-tags libusb` build), or `none`. With `simulate` a virtual printer takes the place of `none`",
			rule: rule{check: checkPrinterPort},
		},
		{
			key: "printer.baud", flag: "printer-baud", arg: "N", def: "9600",
			usage:   "talk to a serial printer at `N` baud",
			meaning: "the serial printer's line speed, as its DIP switches set it (8N1)",
			rule:    oneOfInts(2400, 4800, 9600, 19200, 38400, 57600, 115200),
		},
		{
			key: "printer.profile", flag: "printer-profile", arg: "NAME", def: "generic80",
			usage: "the receipt printer's profile `NAME`",
			meaning: "the printer model's profile: paper width, whether its font prints four-byte GB18030 " +
				"characters (else they are printed as images), native or raster QR codes, the cut command: " +
				"`generic58`, `generic80` (ESC/POS clones: Xprinter, 佳博, 芯烨), `epson80` (Epson TM)",
			rule: oneOf("generic58", "generic80", "epson80"),
		},
		{
			key: "printer.blind", flag: "printer-blind", def: "false",
			usage: "the printer answers no status (some cheap serial models)",
			meaning: "the printer answers no status at all: jobs are sent without checking paper, cover or " +
				"progress, and a job counts as done once its bytes are sent — paper out is then not noticed " +
				"and a receipt can be lost",
		},
		{
			key: "printer.font", flag: "printer-font", arg: "PATH",
			defDoc: "the system's CJK fonts",
			usage:  "draw what the printer's font lacks, and previews, with the font at `PATH`",
			meaning: "a font file (`.ttf`, `.otf`, `.ttc`) for the characters the printer's own font cannot print " +
				"(rare name characters, `¥`), which are printed as images, and for receipt previews; the system's " +
				"CJK fonts are tried after it",
		},
		{
			key: "sigpad.port", flag: "sigpad-port", arg: "PORT", def: "none",
			usage: "the signature pad at `PORT`: auto, a HID device path, usb:VVVV:PPPP, or none",
			meaning: "the signature pad (Wacom STU-430/430V/530/540, Hanvon ESP370U): `auto` (the first one the " +
				"system lists, through hidraw on Linux and hid.dll on Windows), a device path (`/dev/hidraw3`, a " +
				"Windows HID interface path), `usb:VVVV:PPPP` (through libusb, a `-tags libusb` build), or `none`: " +
				"signatures are then taken on the screen. With `simulate` a virtual STU-540 takes the place of `none`",
			rule: rule{check: checkSigpadPort},
		},
		{
			key: "sigpad.font", flag: "sigpad-font", arg: "PATH",
			defDoc: "`printer.font`, then the system's CJK fonts",
			usage:  "draw the pad's prompt with the font at `PATH`",
			meaning: "a font file (`.ttf`, `.otf`, `.ttc`) for the prompt shown on the pad (the document's title and " +
				"summary, the signer's name, the buttons); the printer's font and the system's CJK fonts are tried after it",
		},
		{
			key: "flow.mode", flag: "mode", arg: "MODE", def: "kiosk",
			usage: "run the application flow in `MODE`: kiosk, counter or field",
			meaning: "who drives the application flow: `kiosk` (self-service), `counter` (a clerk drives it on the PC " +
				"screen and ticks 已核对本人; the applicant signs on the pad; timeouts doubled) or `field` (a field worker " +
				"on a home visit; timeouts tripled)",
			rule: oneOf("kiosk", "counter", "field"),
		},
		{
			key: "flow.window", flag: "window", arg: "N", def: "1",
			usage:   "send people who need staff to service window `N`",
			meaning: "the service window people are sent to (「请到 N 号窗口」) when nobody answers a staff call, and on receipts",
		},
		{
			key: "flow.workers", flag: "field-worker", arg: "ENTRY",
			defDoc: "none",
			usage:  "let the field worker of `ENTRY` (from kiosk-agent field-worker) unlock field mode (repeatable)",
			meaning: "the field workers (网格员) who may unlock a `field`-mode device with their own ID card and PIN: one " +
				"`\"CARD SECRET\"` string each, as `kiosk-agent field-worker` prints it (the masked ID number and a salted " +
				"PBKDF2 hash of the number and PIN; neither is stored in clear). With `--simulate` and none listed, sample " +
				"card 1 (李建国) unlocks with PIN `123456`. `--field-worker` is repeatable and replaces the file's list",
			rule: rule{check: checkWorkers},
		},
		{
			key: "office.name", flag: "office-name", arg: "NAME",
			defDoc:  "none",
			usage:   "name `NAME` as the accepting office on receipts and documents",
			meaning: "the accepting office (受理机构), as receipts and the signed documents name it: \"滕州市龙泉街道便民服务中心\". Empty: the receipt names none, the documents print —",
			rule:    rule{check: checkOfficeText},
		},
		{
			key: "office.civilAffairs", flag: "office-civil-affairs", arg: "NAME",
			defDoc:  "none",
			usage:   "name `NAME` as the civil-affairs bureau the authorization is given to",
			meaning: "the county civil-affairs bureau (民政局) that checks the household's data and that the 家庭经济状况核对授权书 authorizes: \"滕州市民政局\". Empty: 县（市、区）民政局",
			rule:    rule{check: checkOfficeText},
		},
		{
			key: "office.checkAgency", flag: "office-check-agency", arg: "NAME",
			defDoc:  "none",
			usage:   "name `NAME` as the bureau's household-checking agency",
			meaning: "the bureau's household-checking agency (核对机构), named in the authorization beside the bureau: \"滕州市居民家庭经济状况核对中心\". Empty: not named",
			rule:    rule{check: checkOfficeText},
		},
		{
			key: "office.address", flag: "office-address", arg: "ADDR",
			defDoc:  "none",
			usage:   "give `ADDR` as the bureau's address in the personal-information notice",
			meaning: "the bureau's address, in the authorization's personal-information notice (who processes the data and how to reach them)",
			rule:    rule{check: checkOfficeText},
		},
		{
			key: "office.phone", flag: "office-phone", arg: "PHONE",
			defDoc:  "none",
			usage:   "print `PHONE` as the consultation number",
			meaning: "the consultation number (咨询电话) on the receipt, the 一次性告知书 and the authorization: digits, with `-`, spaces, `+` or brackets",
			rule:    rule{check: checkPhone},
		},
		{
			key: "staff.webhook", flag: "staff-webhook", arg: "URL",
			defDoc:  "none",
			usage:   "POST every staff call to `URL`",
			meaning: "an http(s) URL that every staff call is POSTed to as JSON (`{\"reason\", \"step\", \"at\", \"terminal\", \"window\"}`, no personal data), besides the `staff.called` event",
			rule:    rule{check: checkWebhook},
		},
		{
			key: "platform.url", flag: "platform", arg: "URL",
			defDoc: "the embedded demo platform",
			usage:  "use the social-assistance platform at `URL` (https://HOST[:PORT][/PREFIX]; empty: the embedded demo platform)",
			meaning: "the social-assistance data platform the kiosk looks households up on, asks for progress and submits " +
				"applications to: `https://HOST[:PORT][/PREFIX]` (`http://` only to a loopback address, such as a " +
				"`kiosk-agent platform-demo` on this machine). Empty: the embedded demo platform, a database of " +
				"fictional households in `<stateDir>/platform-demo/`",
			rule: rule{check: checkPlatformURL},
		},
		{
			key: "platform.ca", flag: "platform-ca", arg: "PATH",
			defDoc:  "the system's roots",
			usage:   "trust the CA certificates in the PEM file at `PATH` for the platform",
			meaning: "a PEM file of the CA certificates that may sign the platform's certificate (only with an `https://` `platform.url`)",
			rule:    rule{check: checkPlatformCA},
		},
		{
			key: "platform.cert", flag: "platform-cert", arg: "PATH",
			defDoc:  "none",
			usage:   "present the client certificate in the PEM file at `PATH` to the platform",
			meaning: "the kiosk's client certificate (PEM) for mutual TLS with the platform; needs `platform.key`",
			rule:    rule{check: checkPlatformCert},
		},
		{
			key: "platform.key", flag: "platform-key", arg: "PATH",
			defDoc:  "none",
			usage:   "the private key of the client certificate, a PEM file at `PATH`",
			meaning: "the private key (PEM) of `platform.cert`; keep it readable by the agent only",
			rule:    rule{check: checkPlatformKey},
		},
		{
			key: "platform.timeout", flag: "platform-timeout", arg: "DUR", def: "15s",
			usage:   "give up one request to the platform after `DUR`",
			meaning: "how long one request to the platform may take; a look-up is tried again with back-off within the flow's own wait, a submission is kept in the outbox and sent again later",
			rule:    durationRange(time.Second, 5*time.Minute, ""),
		},
		{
			key: "precheck.rules", flag: "precheck-rules", arg: "PATH",
			defDoc: "the embedded rules (滕州市, sample figures marked)",
			usage:  "pre-check households with the rules file at `PATH` (TOML; empty: the embedded rules)",
			meaning: "the eligibility pre-check's rules file: the standards by region, urban/rural, item and date, each with " +
				"its source (strictly decoded; `config check` reports its problems with their lines). Empty: the " +
				"embedded rules for 滕州市, whose unknown local figures are marked as samples",
			rule: rule{check: checkPrecheckRules},
		},
		{
			key: "outbox.retention", flag: "outbox-retention", arg: "DUR", def: "168h",
			usage: "keep the record of a delivered submission for `DUR`",
			meaning: "how long the outbox keeps the record of a delivered submission (its content is wiped on delivery; " +
				"the record makes a late retry of the same idempotency key a no-op). Undelivered submissions are never dropped",
			rule: durationRange(time.Minute, 366*24*time.Hour, ""),
		},
		{
			key: "log.level", flag: "log-level", arg: "LEVEL", def: "info",
			usage:   "log at `LEVEL` and above",
			meaning: "the least important log lines written",
			rule:    oneOf("debug", "info", "warn", "error"),
		},
		{
			key: "log.format", flag: "log-format", arg: "FORMAT", def: "text",
			usage:   "write log lines as `FORMAT`",
			meaning: "how log lines are written: `text` (key=value pairs) or `json` (one object a line)",
			rule:    oneOf("text", "json"),
		},
		{
			key: "log.file", flag: "log-file", arg: "PATH",
			defDoc: "none; as a Windows service `<stateDir>\\logs\\kiosk-agent.log`",
			usage:  "also write the log to the file at `PATH` (rotated at 10 MiB, 5 kept)",
			meaning: "a log file besides standard error, owner-only, rotated at 10 MiB with the 5 files before it kept " +
				"(`PATH.1` … `PATH.5`). Empty: none — systemd's journal keeps the service's log — except under the " +
				"Windows service manager, where nobody reads standard error: then `<stateDir>\\logs\\kiosk-agent.log`. " +
				"Full ID numbers, photos and signatures are never logged",
		},
		{
			key: "audit.dir", flag: "audit-dir", arg: "DIR",
			defDoc:  "`<stateDir>/audit`",
			usage:   "keep the audit log in `DIR` (default: audit in the state directory)",
			meaning: "where the hash-chained audit log lives",
		},
		{
			key: "audit.maxFileBytes", flag: "audit-max-file-bytes", arg: "N", def: "8388608",
			usage:   "start a new audit file at `N` bytes",
			meaning: "start a new audit file when the current one reaches this size, in bytes",
			rule:    intRange(64<<10, math.MaxInt64),
		},
		{
			key: "audit.keepFiles", flag: "audit-keep-files", arg: "N", def: "0",
			usage:   "keep `N` rotated audit files (0: all)",
			meaning: "how many rotated audit files are kept (`0`: all of them)",
			rule:    intRange(0, math.MaxInt64),
		},
	}
}

// schema indexes the settings for decoding.
type schema struct {
	byKey  map[string]*setting // by dotted key
	tables map[string]bool     // the tables: "server", …
	names  []string            // every key and table, for suggestions
}

// newSchema indexes the settings.
func newSchema() *schema {
	sc := &schema{byKey: map[string]*setting{}, tables: map[string]bool{}}
	all := settings()
	for i := range all {
		s := &all[i]
		sc.byKey[s.key] = s
		sc.names = append(sc.names, s.key)
		if t, _ := splitLast(s.key); t != "" && !sc.tables[t] {
			sc.tables[t] = true
			sc.names = append(sc.names, t)
		}
	}
	return sc
}

// intRange allows whole numbers from lo to hi; hi math.MaxInt64 means no
// upper limit.
func intRange(lo, hi int64) rule {
	r := rule{doc: fmt.Sprintf("`%d` to `%d`", lo, hi)}
	switch {
	case hi == math.MaxInt64 && lo == 0:
		r.doc = "not negative"
	case hi == math.MaxInt64:
		r.doc = fmt.Sprintf("at least `%d`", lo)
	}
	r.check = func(_ *Config, v reflect.Value) string {
		switch n := v.Int(); {
		case n < 0 && lo == 0 && hi == math.MaxInt64:
			return fmt.Sprintf("%d is negative: must be 0 or more", n)
		case n < lo && hi == math.MaxInt64:
			return fmt.Sprintf("%d is too small: must be at least %d", n, lo)
		case n < lo || n > hi:
			return fmt.Sprintf("%d is out of range: must be from %d to %d", n, lo, hi)
		}
		return ""
	}
	return r
}

// floatRange allows numbers above 0 up to hi.
func floatRange(hi float64) rule {
	return rule{
		doc: fmt.Sprintf("more than `0`, at most `%v`", hi),
		check: func(_ *Config, v reflect.Value) string {
			if f := v.Float(); !(f > 0 && f <= hi) { // also refuses NaN
				return fmt.Sprintf("%v is out of range: must be more than 0 and at most %v", f, hi)
			}
			return ""
		},
	}
}

// durationRange allows durations from lo to hi (0: no upper limit); why,
// if not empty, says why lo is the least.
func durationRange(lo, hi time.Duration, why string) rule {
	because := ""
	if why != "" {
		because = " (" + why + ")"
	}
	r := rule{doc: fmt.Sprintf("at least `%v`%s", lo, because)}
	if hi > 0 {
		r.doc += fmt.Sprintf(", at most `%v`", hi)
	}
	r.check = func(_ *Config, v reflect.Value) string {
		switch d := v.Interface().(Duration).Duration; {
		case d < lo:
			return fmt.Sprintf("%v is too short: must be at least %v%s", d, lo, because)
		case hi > 0 && d > hi:
			return fmt.Sprintf("%v is too long: must be at most %v", d, hi)
		}
		return ""
	}
	return r
}

// oneOf allows the strings listed.
// oneOfInts allows only the given integers.
func oneOfInts(values ...int64) rule {
	strs := make([]string, len(values))
	for i, v := range values {
		strs[i] = strconv.FormatInt(v, 10)
	}
	return rule{values: strs, check: func(_ *Config, v reflect.Value) string {
		for _, x := range values {
			if v.Int() == x {
				return ""
			}
		}
		return fmt.Sprintf("%d is not one of %s", v.Int(), strings.Join(strs, ", "))
	}}
}

func oneOf(values ...string) rule {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return rule{
		doc:    "one of " + strings.Join(quoted, ", "),
		values: values,
		check: func(_ *Config, v reflect.Value) string {
			for _, ok := range values {
				if v.String() == ok {
					return ""
				}
			}
			return fmt.Sprintf("%q is not one of %s", v.String(), strings.Join(values, ", "))
		},
	}
}

// checkListen is the rule of server.listen.
func checkListen(c *Config, v reflect.Value) string {
	addr := v.String()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not host:port, such as \"127.0.0.1:17321\"", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Sprintf("%q: the port must be a number from 0 to 65535", addr)
	}
	if !isLoopbackHost(host) && !c.Server.AllowRemote {
		what := "is not a loopback address"
		if host == "" {
			what = "listens on every network interface"
		}
		return fmt.Sprintf("%q %s, so other machines could reach the agent: set server.allowRemote = true "+
			"(--allow-remote) if that is meant", addr, what)
	}
	return ""
}

// checkPort is the rule of idcard.port.
func checkPort(c *Config, v reflect.Value) string {
	switch port := v.String(); {
	case port == "":
		return `is empty: use "auto", "usb", "none" or a serial device path`
	case c.Simulate && port != "auto" && port != "none":
		return fmt.Sprintf(`%q cannot be used with simulate = true, whose simulated reader takes its place: `+
			`use "auto" or "none"`, port)
	}
	return ""
}

// checkWebhook checks staff.webhook: empty, or an http(s) URL.
func checkWebhook(_ *Config, v reflect.Value) string {
	s := v.String()
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http(s) URL", s)
	}
	return ""
}

// checkOfficeText checks a name or address printed on documents: one
// line, not absurdly long.
func checkOfficeText(_ *Config, v reflect.Value) string {
	s := v.String()
	switch {
	case strings.ContainsFunc(s, unicode.IsControl):
		return "holds a control character (a line break?): write it on one line"
	case utf8.RuneCountInString(s) > 60:
		return fmt.Sprintf("is %d characters long: at most 60 fit the documents", utf8.RuneCountInString(s))
	}
	return ""
}

// checkPhone checks a phone number printed on documents.
func checkPhone(_ *Config, v reflect.Value) string {
	s := v.String()
	if len(s) > 24 {
		return fmt.Sprintf("%q is too long for a phone number", s)
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("-+() ", r):
		default:
			return fmt.Sprintf("%q is not a phone number: digits, with -, spaces, + or brackets", s)
		}
	}
	if s != "" && digits < 3 {
		return fmt.Sprintf("%q is not a phone number: too few digits", s)
	}
	return ""
}

// checkSigpadPort checks sigpad.port's form.
func checkSigpadPort(c *Config, v reflect.Value) string {
	port := v.String()
	switch {
	case port == "":
		return `is empty: use "auto", "none", a HID device path or usb:VVVV:PPPP`
	case c.Simulate && port != "none":
		return fmt.Sprintf(`%q cannot be used with simulate = true, whose virtual pad takes its place: use "none"`, port)
	case strings.HasPrefix(port, "usb:"):
		id := strings.TrimPrefix(port, "usb:")
		v, pid, ok := strings.Cut(id, ":")
		_, e1 := strconv.ParseUint(v, 16, 16)
		_, e2 := strconv.ParseUint(pid, 16, 16)
		if !ok || len(v) != 4 || len(pid) != 4 || e1 != nil || e2 != nil {
			return fmt.Sprintf("%q is not usb:VVVV:PPPP (hexadecimal vendor and product IDs, e.g. usb:056A:00A8)", port)
		}
	}
	return ""
}

// checkPrinterPort checks printer.port's form.
func checkPrinterPort(c *Config, v reflect.Value) string {
	port := v.String()
	switch {
	case port == "":
		return `is empty: use "none", a serial device, tcp://HOST:PORT, /dev/usb/lpN or usb:VVVV:PPPP`
	case c.Simulate && port != "none":
		return fmt.Sprintf(`%q cannot be used with simulate = true, whose virtual printer takes its place: use "none"`, port)
	case strings.HasPrefix(port, "tcp://"):
		host, p, err := net.SplitHostPort(strings.TrimPrefix(port, "tcp://"))
		if err != nil || host == "" {
			return fmt.Sprintf("%q is not tcp://HOST:PORT (e.g. tcp://192.168.1.50:9100)", port)
		}
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("%q has no valid port number", port)
		}
	case strings.HasPrefix(port, "usb:"):
		id := strings.TrimPrefix(port, "usb:")
		v, pid, ok := strings.Cut(id, ":")
		_, e1 := strconv.ParseUint(v, 16, 16)
		_, e2 := strconv.ParseUint(pid, 16, 16)
		if !ok || len(v) != 4 || len(pid) != 4 || e1 != nil || e2 != nil {
			return fmt.Sprintf("%q is not usb:VVVV:PPPP (hexadecimal vendor and product IDs, e.g. usb:0483:5743)", port)
		}
	}
	return ""
}

// field returns the field of c that holds key. It panics for a key that
// has no field, which is a mistake in settings (a test checks them all).
func field(c *Config, key string) reflect.Value {
	v := reflect.ValueOf(c).Elem()
	for part := range strings.SplitSeq(key, ".") {
		t, found := v.Type(), false
		for i := range t.NumField() {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); name == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			panic("config: no field for the key " + key)
		}
	}
	return v
}

// The types a setting's field can have.
type valueKind int

const (
	kindString valueKind = iota
	kindBool
	kindInt
	kindFloat
	kindDuration
	kindList
)

// kindOf returns the kind of a setting's field type.
func kindOf(t reflect.Type) valueKind {
	switch {
	case t == reflect.TypeFor[Duration]():
		return kindDuration
	case t.Kind() == reflect.String:
		return kindString
	case t.Kind() == reflect.Bool:
		return kindBool
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return kindInt
	case t.Kind() == reflect.Float64:
		return kindFloat
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return kindList
	}
	panic("config: no setting can have the type " + t.String())
}

// setText sets a setting's field from text as a flag gives it, returning
// the problem with the text or "". A list is set to the one entry text (no
// entry when text is empty).
func setText(v reflect.Value, text string) string {
	switch kindOf(v.Type()) {
	case kindString:
		v.SetString(text)
	case kindBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return fmt.Sprintf("%q is not true or false", text)
		}
		v.SetBool(b)
	case kindInt:
		n, err := strconv.ParseInt(text, 0, v.Type().Bits())
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Sprintf("%s is too large a number", text)
		} else if err != nil {
			return fmt.Sprintf("%q is not a whole number", text)
		}
		v.SetInt(n)
	case kindFloat:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Sprintf("%q is not a number", text)
		}
		v.SetFloat(f)
	case kindDuration:
		d, err := parseDuration(text)
		if err != nil {
			return err.Error()
		}
		v.Set(reflect.ValueOf(Duration{d}))
	case kindList:
		list := []string{}
		if text != "" {
			list = append(list, text)
		}
		v.Set(reflect.ValueOf(list))
	}
	return ""
}

// checkTOML returns the problem with x, a value decoded from TOML into an
// interface, as the value of a field of type t, or "" when it fits. example
// is the setting's default as TOML, for the message.
func checkTOML(t reflect.Type, x any, example string) string {
	such := ""
	if example != "" && example != `""` && example != "[]" {
		such = " such as " + example
	}
	switch kindOf(t) {
	case kindString:
		if _, ok := x.(string); !ok {
			return fmt.Sprintf("want a string%s, not %s", such, describe(x))
		}
	case kindBool:
		if _, ok := x.(bool); !ok {
			return "want true or false, not " + describe(x)
		}
	case kindInt:
		n, ok := x.(int64)
		if !ok {
			return fmt.Sprintf("want a whole number%s, not %s", such, describe(x))
		}
		if reflect.New(t).Elem().OverflowInt(n) {
			return fmt.Sprintf("%d is too large a number", n)
		}
	case kindFloat:
		switch x.(type) {
		case int64, float64:
		default:
			return fmt.Sprintf("want a number%s, not %s", such, describe(x))
		}
	case kindDuration:
		s, ok := x.(string)
		if !ok {
			return notDuration(describe(x))
		}
		if _, err := parseDuration(s); err != nil {
			return err.Error()
		}
	case kindList:
		list, ok := x.([]any)
		if !ok {
			return `want a list of strings such as ["/dev/ttyS0"], not ` + describe(x)
		}
		for i, e := range list {
			if _, ok := e.(string); !ok {
				return fmt.Sprintf("entry %d is %s: want a string", i+1, describe(e))
			}
		}
	}
	return ""
}

// describe names the type and value of x, a value decoded from TOML into
// an interface, for messages: `an integer (500)`.
func describe(x any) string {
	switch x := x.(type) {
	case string:
		if r := []rune(x); len(r) > 40 {
			x = string(r[:40]) + "…"
		}
		return "a string (" + strconv.Quote(x) + ")"
	case bool:
		return fmt.Sprintf("a boolean (%v)", x)
	case int64:
		return fmt.Sprintf("an integer (%d)", x)
	case float64:
		return fmt.Sprintf("a float (%v)", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

// tomlValue returns a setting's default written as a TOML value.
func (s *setting) tomlValue(c *Config) string {
	v := field(c, s.key)
	switch kindOf(v.Type()) {
	case kindString:
		return quote(v.String())
	case kindDuration:
		return quote(s.def)
	case kindList:
		list := make([]string, v.Len())
		for i := range list {
			list[i] = quote(v.Index(i).String())
		}
		return "[" + strings.Join(list, ", ") + "]"
	}
	return s.def
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// checkWorkers checks flow.workers: each entry a masked ID number and a
// PBKDF2 secret, as kiosk-agent field-worker prints them.
func checkWorkers(_ *Config, v reflect.Value) string {
	for i := range v.Len() {
		if _, err := WorkerEntry(v.Index(i).String()); err != nil {
			return fmt.Sprintf("entry %d: %v", i+1, err)
		}
	}
	return ""
}

// WorkerEntry splits a flow.workers entry, "CARD SECRET", and checks it.
func WorkerEntry(s string) (fieldauth.Entry, error) {
	card, secret, ok := strings.Cut(strings.TrimSpace(s), " ")
	e := fieldauth.Entry{Card: card, Secret: strings.TrimSpace(secret)}
	if !ok {
		return e, errors.New(`want "CARD SECRET" as kiosk-agent field-worker prints it`)
	}
	if _, err := fieldauth.New([]fieldauth.Entry{e}); err != nil {
		return e, errors.Unwrap(err) // without "field worker 1: "
	}
	return e, nil
}

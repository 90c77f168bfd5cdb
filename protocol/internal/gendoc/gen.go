package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/protocol/conformance"
)

// Summaries of the methods and events: the schema has no prose for them.
// A method or event without one stops the generator.
var methodSummary = map[string]string{
	protocol.MethodHello: "Introduces the client and, for a paired page (or a native client the agent does not admit by itself), " +
		"presents its pairing token. The only method callable before authorization; the result says what the connection may do and see. " +
		"A wrong token is `UNAUTHORIZED`; no token answers with `access.authorized` false.",
	protocol.MethodDevicesList: "The devices the agent drives, with their state and health.",
	protocol.MethodHealthGet:   "The agent's health as data, one check per device or subsystem; the same report is the body of `GET /healthz`.",
	protocol.MethodIDCardRead: "The card on the reader now (a card already read and still there is returned again), else the first card " +
		"placed within `timeoutMs` (0 or absent: answer at once, `NO_CARD` when there is none; `TIMEOUT` when none came). " +
		"A paired page receives only the fields of its pairing.",
	protocol.MethodSimPlaceCard: "Puts a card on the simulated reader: a built-in sample (`sample`, default 0) or the given `card`. " +
		"Only on an agent started with `--simulate`; elsewhere `NOT_SIMULATED`.",
	protocol.MethodSimRemoveCard: "Lifts the card from the simulated reader. Only with `--simulate`; elsewhere `NOT_SIMULATED`.",
	protocol.MethodPrinterPrint: "Queues a receipt, which the agent lays out (Chinese by display width, rare characters as images, QR, cut). " +
		"Answers at once with the job's id; `printer.job` events follow. The printer's status is checked before the job and " +
		"between its parts: paper out, cover open, offline and cutter error fail the job with that reason, and a job that ran " +
		"out of paper is kept for `printer.resume` — never lost, never printed twice unasked.",
	protocol.MethodPrinterStatus: "The printer's condition now, asked of the printer itself (DLE EOT).",
	protocol.MethodPrinterResume: "Prints again, from its start, a job that failed for want of paper, once paper is back. " +
		"`NO_SUCH_JOB` for a job the agent does not keep.",
	protocol.MethodPrinterPreview: "The receipt as the printer would print it, as a PNG: laid out by the agent and drawn by an ESC/POS " +
		"interpreter from the very bytes the printer would receive.",
	protocol.MethodSigpadCapture: "Shows the document's title and summary and the signer's name on the pad (or, with `source` \"screen\", " +
		"lets the client capture with pointer events and `sigpad.input`), streams the ink live to this client (`sigpad.sample`), and " +
		"answers once the signer presses 确认 with an evidence bundle signed by the agent's key. Holds the pad for this client: others get " +
		"`DEVICE_BUSY`. `CANCELLED` (取消), `EMPTY_SIGNATURE` (确认 with no ink), `TIMEOUT`, `DEVICE_DISCONNECTED`.",
	protocol.MethodSigpadCancel: "Cancels this client's capture: it answers `CANCELLED`.",
	protocol.MethodSigpadClear:  "Clears the ink of this client's capture (重签), on the pad and in the samples.",
	protocol.MethodSigpadButton: "Presses a button of this client's capture from the screen: `confirm`, `retry` or `cancel`.",
	protocol.MethodSigpadInput:  "Sends samples of an on-screen capture (`source` \"screen\").",
	protocol.MethodSimSigpadSign: "Makes the simulated pad write `text` (default the signer's name) with handwriting-like strokes at 200 " +
		"reports a second. Only with `--simulate`.",
	protocol.MethodSimSigpadBtn: "Taps a button drawn on the simulated pad's screen. Only with `--simulate`.",
	protocol.MethodFlowStart: "Starts the application session (\"apply\") or a progress query (\"progress\"), ending any session going on. " +
		"Own pages and native clients only.",
	protocol.MethodFlowAct:    "An action of the page on the current step: next, back, extend, cancel, call-staff, toggle {item}, answer {relatedToStaff}, …",
	protocol.MethodFlowBack:   "Goes back a step (on read_card, confirm_identity and progress: ends the session and wipes it).",
	protocol.MethodFlowExtend: "需要更多时间: the step's time starts again and the warning goes away.",
	protocol.MethodFlowCancel: "结束办理: ends the session and wipes every personal datum of it.",
	protocol.MethodFlowGet:    "The session's state now (a page that reloads carries on from here).",
	protocol.MethodStaffCall:  "Calls staff from the kiosk: staff.called goes to every client and to the configured webhook.",
	protocol.MethodSimPrinter: "Changes the virtual printer's condition: paper out, a new roll, the roll ending after some rows, " +
		"the cover. Only with `--simulate`.",
	protocol.MethodApplicationSubmit: "Puts an application in the outbox and answers once it is on disk (synced, encrypted): " +
		"`queued` means not at the platform yet; the agent delivers it when the platform answers, retrying with back-off. " +
		"The same `idempotencyKey` again answers the same `applicationId` and queues nothing; with another application it is " +
		"`IDEMPOTENCY_CONFLICT`. An application the platform would refuse is `BAD_APPLICATION`, naming the field; `NOT_SAVED` " +
		"means nothing may have been saved: submit again with the same key. Own pages and native clients only.",
	protocol.MethodOutboxStatus: "The outbox's backlog now: items not yet at the platform, those failing, the oldest one's age.",
	protocol.MethodOutboxList:   "The outbox's undelivered items, oldest first: key, kind, pending or refused, attempts, times, the last error (masked); never their content. Own pages and native clients only.",
	protocol.MethodOutboxRetry:  "Try one item again now by its key (a refused one goes back in line), or, without a key, every pending item now. Own pages and native clients only; audited.",
}

var eventSummary = map[string]string{
	protocol.EventIDCardInserted: "A card was placed and read: once per placement, with the card as this client may see it.",
	protocol.EventIDCardRemoved:  "The card left the reader.",
	protocol.EventIDCardError:    "A placed card could not be read; with `CARD_REPLACE` it must be lifted and placed again.",
	protocol.EventDeviceChanged:  "A device's state or health changed.",
	protocol.EventHealthChanged:  "One health check changed.",
	protocol.EventSigpadStarted:  "A capture is ready for the signer (the prompt is on the pad), to the client that holds it: where, on what, the ink's range.",
	protocol.EventSigpadSample:   "Live ink of a capture, to the client that holds it: samples in pad units and normalised to 0..1.",
	protocol.EventSigpadPressed:  "A button was pressed on the pad during a capture, to the client that holds it.",
	protocol.EventFlowState:      "The application session's state, after every change, to own pages and native clients.",
	protocol.EventStaffCalled:    "Someone at the kiosk needs staff (no personal data): for the counter page.",
	protocol.EventPrinterJob:     "A print job's state changed: queued, printing, done, or failed with a reason (resumable after PAPER_OUT).",
	protocol.EventOutboxChanged:  "The outbox's backlog changed (an item queued, delivered or failing); at most a few a second, the last one always sent.",
}

// The standard JSON-RPC codes, with what they mean here.
var standardCodes = []struct {
	code       int
	name, text string
}{
	{protocol.CodeParseError, "parse error", "the frame is not JSON; the response's `id` is null"},
	{protocol.CodeInvalidRequest, "invalid request", "not a request object (`jsonrpc` \"2.0\", `method` a string, `id` a string, an integer or null, `params` an object or an array), a binary frame, an empty batch, or a batch of more than " + strconv.Itoa(conformance.MaxBatch)},
	{protocol.CodeMethodNotFound, "method not found", "no such method (a notification of one gets no reply)"},
	{protocol.CodeInvalidParams, "invalid params", "`data.reason` is `BAD_PARAMS`, `data.field` names the parameter; the message says what was expected in JSON's words"},
	{protocol.CodeInternalError, "internal error", "the agent failed; the message shows no internals"},
}

// closeCodes are the Close* constants of package protocol by name; one
// there and not here stops the generator.
var closeCodes = map[string]int{
	"ClosePolicy":       protocol.ClosePolicy,
	"CloseTooBig":       protocol.CloseTooBig,
	"CloseGoingAway":    protocol.CloseGoingAway,
	"CloseTryAgainLate": protocol.CloseTryAgainLate,
}

// constDoc is a constant of protocol.go: its value as written and its
// comment.
type constDoc struct {
	name, value, comment string
}

// constants parses the constants of protocol.go in source order.
func constants(path string) ([]constDoc, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var out []constDoc
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			comment := ""
			if vs.Comment != nil {
				comment = strings.TrimSpace(vs.Comment.Text())
			} else if vs.Doc != nil {
				comment = strings.TrimSpace(vs.Doc.Text())
			}
			for i, n := range vs.Names {
				c := constDoc{name: n.Name, comment: comment}
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						c.value = lit.Value
					}
				}
				out = append(out, c)
			}
		}
	}
	return out, nil
}

type gen struct {
	defs   *node
	b      bytes.Buffer
	consts []constDoc
	types  []string // defs for the Types section, in order of first mention
}

// generate returns the document.
func generate(protocolGo string) ([]byte, error) {
	schema, err := parseJSON(protocol.Schema)
	if err != nil {
		return nil, fmt.Errorf("protocol.Schema: %w", err)
	}
	consts, err := constants(protocolGo)
	if err != nil {
		return nil, err
	}
	g := &gen{defs: schema.get("$defs"), consts: consts}
	if err := g.check(); err != nil {
		return nil, err
	}
	g.header(schema)
	g.overview()
	if err := g.methods(); err != nil {
		return nil, err
	}
	if err := g.events(); err != nil {
		return nil, err
	}
	g.typesSection()
	if err := g.errorsSection(); err != nil {
		return nil, err
	}
	return append(bytes.TrimRight(g.b.Bytes(), "\n"), '\n'), nil
}

// check: the schema and package protocol name the same methods, events
// and reasons, and each has its prose.
func (g *gen) check() error {
	var errs []string
	table := g.defs.path("methods", "const")
	var schemaMethods []string
	for _, m := range table.obj {
		schemaMethods = append(schemaMethods, m.key)
	}
	if !sameSet(schemaMethods, protocol.Methods()) {
		errs = append(errs, fmt.Sprintf("$defs.methods has %v, protocol.Methods() %v", schemaMethods, protocol.Methods()))
	}
	if ev := g.defs.path("notification", "properties", "method", "enum").strs(); !sameSet(ev, protocol.Events()) {
		errs = append(errs, fmt.Sprintf("$defs.notification's methods are %v, protocol.Events() %v", ev, protocol.Events()))
	}
	var reasons []string
	for _, r := range protocol.Reasons() {
		reasons = append(reasons, string(r))
	}
	if rs := g.defs.path("reason", "enum").strs(); !sameSet(rs, reasons) {
		errs = append(errs, fmt.Sprintf("$defs.reason is %v, protocol.Reasons() %v", rs, reasons))
	}
	if cf := g.defs.path("cardField", "enum").strs(); !sameSet(cf, protocol.CardFields()) {
		errs = append(errs, fmt.Sprintf("$defs.cardField is %v, protocol.CardFields() %v", cf, protocol.CardFields()))
	}
	for _, m := range protocol.Methods() {
		if methodSummary[m] == "" {
			errs = append(errs, "no summary for method "+m+" in gendoc's methodSummary")
		}
	}
	for _, e := range protocol.Events() {
		if eventSummary[e] == "" {
			errs = append(errs, "no summary for event "+e+" in gendoc's eventSummary")
		}
	}
	for _, c := range g.consts {
		if strings.HasPrefix(c.name, "Close") {
			if _, ok := closeCodes[c.name]; !ok {
				errs = append(errs, "protocol."+c.name+" is not in gendoc's closeCodes")
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the schema, package protocol and gendoc disagree:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func (g *gen) p(format string, args ...any) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteString("\n")
}

func (g *gen) header(schema *node) {
	g.p("<!-- Code generated by go run ./protocol/internal/gendoc; DO NOT EDIT. -->")
	g.p("")
	g.p("# The kiosk-agent WebSocket API, protocol version %s", protocol.Version)
	g.p("")
	g.p("%s.", schema.get("title").str())
	g.p("")
	g.p("This page is generated from the JSON Schema `protocol/schema/protocol.schema.json` (served by the agent at `%s`) and "+
		"the names, codes and comments of `protocol/protocol.go`. Change those, then run `go run ./protocol/internal/gendoc`.", protocol.SchemaPath)
	g.p("")
	g.p("- [Overview](#overview): transport, JSON-RPC, admission and tokens, limits, close codes")
	g.p("- [Methods](#methods): %s", codeList(protocol.Methods()))
	g.p("- [Events](#events): %s", codeList(protocol.Events()))
	g.p("- [Types](#types)")
	g.p("- [Errors](#errors): the error object, the standard codes, the reasons")
	g.p("")
}

func codeList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return strings.Join(out, ", ")
}

func (g *gen) overview() {
	l := conformance.DefaultLimits()
	g.p("## Overview")
	g.p("")
	g.p("### Transport")
	g.p("")
	g.p("One WebSocket at `/ws` on the agent's loopback address (`ws://127.0.0.1:17321/ws` unless `server.listen` says otherwise), " +
		"carrying JSON-RPC 2.0 messages in text frames, one message per frame. The agent also serves the JSON Schema at `" + protocol.SchemaPath +
		"`, the JavaScript client module at `" + protocol.ClientJSPath + "` (with its types in `protocol/client/kiosk-client.d.ts`), " +
		"and its health at `GET /healthz` (a [health report](#type-healthreport); HTTP 200, or 503 when the status is `failing`).")
	g.p("")
	g.p("### JSON-RPC 2.0")
	g.p("")
	g.p("- A request has `\"jsonrpc\": \"2.0\"`, a `method`, an `id` (a string or an integer) and `params` (an object; absent means `{}`). " +
		"The response carries the same `id` and either `result` or `error`.")
	g.p("- A request without `id` is a notification: it is carried out and never answered, not even with an error.")
	g.p("- A batch is an array of 1 to %d requests; the reply is an array with one response per request that has an id, "+
		"in any order, and no reply at all when every element is a notification. Each element counts against the rate limit.", conformance.MaxBatch)
	g.p("- The agent sends events as notifications (`method` and `params`, no `id`).")
	g.p("- Malformed input gets the [standard error codes](#standard-codes) and the connection keeps serving; " +
		"application errors carry a stable [`data.reason`](#reasons).")
	g.p("")
	g.p("### Admission: Host, Origin and tokens")
	g.p("")
	g.p("- Every HTTP request whose `Host` header is not a loopback IP literal or `localhost`, with the agent's port, is refused with " +
		"HTTP 403 (a guard against DNS rebinding). Pages carry `Content-Security-Policy` with `frame-ancestors 'none'` and " +
		"`X-Content-Type-Options: nosniff`.")
	g.p("- At the WebSocket upgrade the `Origin` header decides:")
	g.p("  - none (a native program): upgraded; authorized at once only where the agent allows native clients (`security.allowNative`, " +
		"implied by `--simulate`), otherwise it presents a pairing token like a paired page;")
	g.p("  - the agent's own origin (`http://` and the request's `Host`): upgraded and authorized at once, with every card field;")
	g.p("  - an origin an administrator paired: upgraded, but not authorized until it sends `agent.hello {\"token\": \"...\"}` with its token;")
	g.p("  - any other origin: HTTP 403, no upgrade.")
	g.p("- Before authorization every method but `agent.hello` answers `UNAUTHORIZED` (%d) and the connection receives no events. "+
		"A token is bound to its origin: presented from another origin it is `UNAUTHORIZED`.", protocol.ReasonUnauthorized.Code())
	g.p("- A paired client receives only the card fields of its pairing, in results and in events; `type` and `incomplete` describe " +
		"the card, not the person, and every client receives them.")
	g.p("")
	g.p("`agent.hello`'s `access.kind` says how the client was admitted: `%s` (the agent's own pages), `%s` (a paired origin, or a native "+
		"client with its token), `%s` (a native client admitted by `security.allowNative`), `%s` (not yet: present a token).",
		protocol.AccessOwn, protocol.AccessPaired, protocol.AccessNative, protocol.AccessNone)
	g.p("")
	g.p("### Limits")
	g.p("")
	g.p("Each is a setting of the agent; the defaults:")
	g.p("")
	g.p("| limit | default | setting | beyond it |")
	g.p("|---|---|---|---|")
	g.p("| inbound message size | %d bytes | `server.maxMessageBytes` | the connection is closed with %d |", l.MaxMessageBytes, protocol.CloseTooBig)
	g.p("| calls per client | %g a second sustained, bursts of %d | `server.callsPerSecond`, `server.callBurst` | the call answers `RATE_LIMITED` (%d) and the connection stays; a client that keeps flooding long after may be closed with %d |",
		l.CallsPerSecond, l.Burst, protocol.ReasonRateLimited.Code(), protocol.ClosePolicy)
	g.p("| clients at once | %d | `server.maxClients` | the extra client is upgraded and closed at once with %d and a reason |", l.MaxClients, protocol.CloseTryAgainLate)
	g.p("| requests in a batch | %d | — | `%d` invalid request |", conformance.MaxBatch, protocol.CodeInvalidRequest)
	g.p("| a client that does not read | — | — | it is dropped; the others are not slowed |")
	g.p("")
	g.p("### Close codes")
	g.p("")
	g.p("When the agent ends a connection itself it sends one of these codes (RFC 6455 §7.4.1) with a reason text:")
	g.p("")
	g.p("| code | constant | meaning |")
	g.p("|---|---|---|")
	for _, c := range g.consts {
		if code, ok := closeCodes[c.name]; ok {
			g.p("| %d | `protocol.%s` | %s |", code, c.name, cell(c.comment))
		}
	}
	g.p("")
}

func (g *gen) methods() error {
	table := g.defs.path("methods", "const")
	g.p("## Methods")
	g.p("")
	for _, m := range protocol.Methods() {
		e := table.get(m)
		g.p("### `%s`", m)
		g.p("")
		g.p("%s", methodSummary[m])
		g.p("")
		for _, part := range []string{"params", "result"} {
			ref := e.get(part).str()
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			def := g.defs.get(name)
			if !ok || def == nil {
				return fmt.Errorf("$defs.methods[%s].%s %q is not a definition", m, part, ref)
			}
			title := "Params"
			if part == "result" {
				title = "Result"
			}
			empty := "`{}`"
			if part == "params" {
				empty = "none: `{}` or absent"
			}
			g.defTable(title, name, def, empty)
		}
	}
	return nil
}

// eventParams maps each event to its params definition, from the
// notification's if/then list.
func (g *gen) eventParams() map[string]string {
	out := map[string]string{}
	for _, c := range g.defs.path("notification", "allOf").arr {
		ev := c.path("if", "properties", "method", "const").str()
		ref := c.path("then", "properties", "params", "$ref").str()
		if name, ok := strings.CutPrefix(ref, "#/$defs/"); ok && ev != "" {
			out[ev] = name
		}
	}
	return out
}

func (g *gen) events() error {
	params := g.eventParams()
	g.p("## Events")
	g.p("")
	g.p("Notifications the agent sends to every authorized client.")
	g.p("")
	for _, e := range protocol.Events() {
		name, ok := params[e]
		if !ok || g.defs.get(name) == nil {
			return fmt.Errorf("$defs.notification has no params definition for %s", e)
		}
		g.p("### `%s`", e)
		g.p("")
		g.p("%s", eventSummary[e])
		g.p("")
		g.defTable("Params", name, g.defs.get(name), "`{}`")
	}
	return nil
}

// defTable writes a definition as a table of its fields, or as one line
// when it is not an object with properties (empty is the text for an
// empty object).
func (g *gen) defTable(title, name string, def *node, empty string) {
	props := def.get("properties")
	desc := def.get("description").str()
	if props == nil || len(props.obj) == 0 {
		text := g.typeText(def)
		if text == "`{}`" {
			text = empty
		}
		g.p("**%s** (`$defs/%s`): %s.", title, name, text)
		if desc != "" {
			g.p("%s.", capital(desc))
		}
		g.p("")
		return
	}
	g.p("**%s** (`$defs/%s`)%s", title, name, suffixDesc(desc))
	g.p("")
	g.fieldTable(def)
}

func suffixDesc(desc string) string {
	if desc == "" {
		return ":"
	}
	return ": " + desc + "."
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldTable writes the fields of an object definition; inline objects
// are flattened as parent.child.
func (g *gen) fieldTable(def *node) {
	g.p("| field | type | required | description |")
	g.p("|---|---|---|---|")
	g.rows("", def)
	g.p("")
}

func (g *gen) rows(prefix string, def *node) {
	required := def.get("required").strs()
	for _, m := range def.get("properties").obj {
		field := prefix + m.key
		req := "no"
		if slices.Contains(required, m.key) {
			req = "yes"
		}
		desc := m.val.get("description").str()
		if desc == "" {
			if ref := m.val.get("$ref").str(); ref != "" {
				desc = g.defs.path(strings.TrimPrefix(ref, "#/$defs/"), "description").str()
			}
		}
		g.p("| `%s` | %s | %s | %s |", field, cell(g.typeText(m.val)), req, cell(desc))
		if m.val.get("$ref") == nil && m.val.get("properties") != nil {
			g.rows(field+".", m.val)
		}
	}
}

// cell makes text safe for a table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// anchor of a definition in the Types section.
func anchor(def string) string { return "type-" + strings.ToLower(def) }

// typeText renders a schema as a short type description.
func (g *gen) typeText(n *node) string {
	if n == nil {
		return "any"
	}
	if n.kind == 0 {
		if b, ok := n.val.(bool); ok && b {
			return "any"
		}
		return "nothing"
	}
	if ref := n.get("$ref").str(); ref != "" {
		return g.refText(strings.TrimPrefix(ref, "#/$defs/"))
	}
	if c := n.get("const"); c != nil {
		return "`" + c.jsonText() + "`"
	}
	if e := n.get("enum"); e != nil {
		vals := make([]string, len(e.arr))
		for i, v := range e.arr {
			vals[i] = "`" + v.jsonText() + "`"
		}
		return "one of " + strings.Join(vals, ", ")
	}
	var types []string
	if t := n.get("type"); t != nil {
		if t.kind == '[' {
			types = t.strs()
		} else {
			types = []string{t.str()}
		}
	}
	var parts []string
	for _, t := range types {
		switch t {
		case "array":
			parts = append(parts, "array of "+g.typeText(n.get("items")))
		case "object":
			if p := n.get("properties"); (p == nil || len(p.obj) == 0) && isFalse(n.get("additionalProperties")) {
				parts = append(parts, "`{}`")
			} else {
				parts = append(parts, "object")
			}
		default:
			parts = append(parts, t)
		}
	}
	text := strings.Join(parts, " or ")
	if text == "" {
		text = "any"
	}
	var extra []string
	if v := n.get("minLength"); v != nil && v.jsonText() == "1" {
		extra = append(extra, "not empty")
	}
	if v := n.get("maxLength"); v != nil {
		extra = append(extra, "at most "+v.jsonText()+" characters")
	}
	lo, hi := n.get("minimum"), n.get("maximum")
	switch {
	case lo != nil && hi != nil:
		extra = append(extra, lo.jsonText()+" to "+hi.jsonText())
	case lo != nil:
		extra = append(extra, "at least "+lo.jsonText())
	case hi != nil:
		extra = append(extra, "at most "+hi.jsonText())
	}
	if v := n.get("pattern").str(); v != "" {
		extra = append(extra, "matching `"+v+"`")
	}
	if v := n.get("format").str(); v == "date-time" {
		extra = append(extra, "an RFC 3339 date-time")
	} else if v != "" {
		extra = append(extra, v)
	}
	if v := n.get("contentEncoding").str(); v != "" {
		extra = append(extra, v)
	}
	if v := n.get("contentMediaType").str(); v != "" {
		extra = append(extra, v)
	}
	if len(extra) > 0 {
		text += ", " + strings.Join(extra, ", ")
	}
	return text
}

func isFalse(n *node) bool {
	if n == nil {
		return false
	}
	b, ok := n.val.(bool)
	return ok && !b
}

// refText renders a reference to a definition: objects link to the Types
// section, reasons to the reasons table, small definitions inline.
func (g *gen) refText(name string) string {
	def := g.defs.get(name)
	switch {
	case name == "reason":
		return "a [reason](#reasons)"
	case name == "cardField":
		return "a card field name (see [card](#" + anchor("card") + "))"
	case def != nil && def.get("properties") != nil && len(def.get("properties").obj) > 0:
		if !slices.Contains(g.types, name) {
			g.types = append(g.types, name)
		}
		return "[" + name + "](#" + anchor(name) + ")"
	}
	return g.typeText(def)
}

func (g *gen) typesSection() {
	g.p("## Types")
	g.p("")
	// Documenting a type may mention more types.
	for i := 0; i < len(g.types); i++ {
		name := g.types[i]
		def := g.defs.get(name)
		g.p(`<a id="%s"></a>`, anchor(name))
		g.p("")
		g.p("### %s", name)
		g.p("")
		if d := def.get("description").str(); d != "" {
			g.p("%s.", capital(d))
			g.p("")
		}
		if name == "card" {
			g.p("A pairing's field policy names the fields it may receive: %s. `type` and `incomplete` describe the card, "+
				"not the person, and every client receives them; the agent's own pages receive every field.", codeList(protocol.CardFields()))
			g.p("")
		}
		g.fieldTable(def)
	}
}

func (g *gen) errorsSection() error {
	g.p("## Errors")
	g.p("")
	g.p("### The error object")
	g.p("")
	g.fieldTable(g.defs.get("error"))
	g.p("### Standard codes")
	g.p("")
	g.p("| code | name | when |")
	g.p("|---|---|---|")
	for _, c := range standardCodes {
		g.p("| %d | %s | %s |", c.code, c.name, cell(c.text))
	}
	g.p("")
	g.p("### Reasons")
	g.p("")
	g.p("Application errors carry `data.reason`; clients switch on it, messages are for people.")
	g.p("")
	g.p("| reason | code | meaning |")
	g.p("|---|---|---|")
	comments := map[string]string{}
	for _, c := range g.consts {
		if strings.HasPrefix(c.name, "Reason") {
			if v, err := strconv.Unquote(c.value); err == nil {
				comments[v] = c.comment
			}
		}
	}
	for _, r := range protocol.Reasons() {
		text, ok := comments[string(r)]
		if !ok || text == "" {
			return fmt.Errorf("reason %s has no comment in protocol.go", r)
		}
		g.p("| `%s` | %d | %s |", r, r.Code(), cell(text))
	}
	return nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/agent/audit"
	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/core"
	"github.com/kiosk-agent/kiosk-agent/agent/web/pairing"
	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// stateFlags are the flags of the commands that work on the agent's state
// (pairings, audit log): where it is.
type stateFlags struct {
	config, stateDir, auditDir *string
}

func bindState(fs *flag.FlagSet) stateFlags {
	return stateFlags{
		config:   fs.String("config", config.DefaultPath(), "the agent's configuration file, for its stateDir and audit.dir"),
		stateDir: fs.String("state-dir", "", "the agent's state directory (overrides the configuration)"),
		auditDir: fs.String("audit-dir", "", "the audit log's directory (overrides the configuration)"),
	}
}

// load returns the configuration these flags point at: the file when it
// exists (a named file must), with --state-dir and --audit-dir applied.
func (f stateFlags) load(named bool) (config.Config, error) {
	cfg := config.Default()
	if *f.config != "" {
		c, err := config.Load(*f.config)
		switch {
		case err == nil:
			cfg = c
		case errors.Is(err, fs.ErrNotExist) && !named:
		default:
			return cfg, err
		}
	}
	if *f.stateDir != "" {
		cfg.StateDir = *f.stateDir
	}
	if *f.auditDir != "" {
		cfg.Audit.Dir = *f.auditDir
	}
	return cfg, nil
}

// named reports whether the flag set was given flag name.
func named(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

const pairUsage = `usage:
  kiosk-agent pair add --origin URL --fields FIELD,FIELD...   pair a web page's origin
  kiosk-agent pair add --native --name NAME --fields ...       pair a native program
  kiosk-agent pair list
  kiosk-agent pair remove ORIGIN|NAME
flags of every pair command: --config FILE, --state-dir DIR, --audit-dir DIR
fields: all, or any of ` + "%s" + `
`

// pairCommand is "kiosk-agent pair add|list|remove": an administrator
// admits a page's origin (or a native program) once, with the card fields
// it may receive; no pop-up is ever shown to anyone.
func pairCommand(args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintf(stderr, pairUsage, strings.Join(protocol.CardFields(), ","))
		return 2
	}
	if len(args) == 0 {
		return usage()
	}
	fs := flag.NewFlagSet("pair "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := bindState(fs)
	origin := fs.String("origin", "", "the web origin to pair, e.g. https://zwfw.example.gov.cn")
	native := fs.Bool("native", false, "pair a native program (no Origin header) by --name")
	name := fs.String("name", "", "the native program's name")
	fields := fs.String("fields", "", "card fields it may receive, comma-separated, or all")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg, err := sf.load(named(fs, "config"))
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	store := pairing.Open(filepath.Join(cfg.StateDir, core.PairingsFile))
	switch args[0] {
	case "add":
		if fs.NArg() != 0 || *fields == "" {
			fmt.Fprintln(stderr, "kiosk-agent: pair add needs --fields (which card fields the page may receive, or all)")
			return usage()
		}
		token, p, err := store.Add(pairing.AddRequest{Origin: *origin, Native: *native, Name: *name,
			Fields: strings.Split(*fields, ","), Known: protocol.CardFields()})
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 1
		}
		who := p.Origin
		if p.Native() {
			who = "native program " + p.Name
		}
		auditPairing(cfg, stderr, audit.Record{Event: audit.EventPairingAdded, Origin: p.Origin, Client: p.Name,
			Detail: map[string]string{"fields": strings.Join(p.Fields, ",")}})
		fmt.Fprintf(stderr, "paired %s with fields %s\n", who, strings.Join(p.Fields, ","))
		if !p.Native() && !pairing.IsSecure(p.Origin) {
			fmt.Fprintf(stderr, "warning: %s is plain http: anyone on its network path can read what the page shows\n", p.Origin)
		}
		fmt.Fprintln(stderr, "its token (shown once; the page presents it in agent.hello {\"token\"}):")
		fmt.Fprintln(stdout, token)
		return 0
	case "list":
		ps, err := store.List()
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 1
		}
		if len(ps) == 0 {
			fmt.Fprintln(stdout, "no pairings")
		}
		for _, p := range ps {
			who := p.Origin
			if p.Native() {
				who = "native:" + p.Name
			}
			fmt.Fprintf(stdout, "%-45s fields=%s  paired %s\n", who, strings.Join(p.Fields, ","), p.Created.Format("2006-01-02 15:04"))
		}
		return 0
	case "remove":
		if fs.NArg() != 1 {
			return usage()
		}
		key := fs.Arg(0)
		if o, err := pairing.NormalizeOrigin(key); err == nil {
			key = o
		}
		ok, err := store.Remove(key)
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 1
		}
		if !ok {
			fmt.Fprintf(stderr, "kiosk-agent: no pairing for %s\n", fs.Arg(0))
			return 1
		}
		rec := audit.Record{Event: audit.EventPairingRemoved, Origin: key}
		if !strings.Contains(key, "://") {
			rec.Origin, rec.Client = "", key
		}
		auditPairing(cfg, stderr, rec)
		fmt.Fprintf(stderr, "removed the pairing of %s; a running agent closes its connections within 2 s\n", fs.Arg(0))
		return 0
	}
	return usage()
}

// auditPairing writes a pairing change to the agent's audit log (which the
// running agent shares: appends are locked across processes).
func auditPairing(cfg config.Config, stderr io.Writer, r audit.Record) {
	l, err := audit.Open(cfg.AuditDir(), audit.Options{MaxFileBytes: cfg.Audit.MaxFileBytes, KeepFiles: cfg.Audit.KeepFiles})
	if err == nil {
		r.Detail = withBy(r.Detail, "kiosk-agent pair")
		err = l.Append(r)
		l.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "warning: the pairing change is not in the audit log: %v\n", err)
	}
}

func withBy(m map[string]string, by string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m["by"] = by
	return m
}

// auditCommand is "kiosk-agent audit verify": checks the hash chain of the
// audit log and names the first broken record.
func auditCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: kiosk-agent audit verify [--dir DIR] [--config FILE] [--state-dir DIR]")
		return 2
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := bindState(fs)
	dir := fs.String("dir", "", "the audit log's directory (default: the agent's)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *dir == "" {
		cfg, err := sf.load(named(fs, "config"))
		if err != nil {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 1
		}
		*dir = cfg.AuditDir()
	}
	rep, err := audit.Verify(*dir)
	for _, n := range rep.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	if err != nil {
		fmt.Fprintf(stdout, "audit log %s: BROKEN: %v\n", *dir, err)
		return 1
	}
	fmt.Fprintf(stdout, "audit log %s: ok: %d records (seq %d to %d) in %d files, chain intact\n", *dir, rep.Records, rep.FirstSeq, rep.LastSeq, len(rep.Files))
	return 0
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/api"
	"github.com/kiosk-agent/kiosk-agent/agent/config"
	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/idnumber"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/region"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// idcardCommand is "kiosk-agent idcard read": a technician's check that a
// reader works, without the agent running.
func idcardCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "read" {
		fmt.Fprintln(stderr, "usage: kiosk-agent idcard read [--port PATH] [--json] [--show-id] [--fingerprint] [--timeout DUR]")
		return 2
	}
	fs := flag.NewFlagSet("idcard read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.String("port", "", "reader serial device, or usb for a USB bulk reader (default: find it)")
	asJSON := fs.Bool("json", false, "print the card as JSON (the protocol's card object)")
	showID := fs.Bool("show-id", false, "print the full ID number (it is masked otherwise)")
	fp := fs.Bool("fingerprint", false, "also read the fingerprint templates (their size is printed)")
	timeout := fs.Duration("timeout", 15*time.Second, "how long to wait for a card")
	stateDir := fs.String("state-dir", config.DefaultStateDir(), "where the reader's port is remembered")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	p, path, err := openReaderPort(ctx, *port, *stateDir, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
		return 1
	}
	defer p.Close()
	r := idcard.NewReader(p, idcard.Options{})
	if err := r.SAMStatus(ctx); err != nil {
		fmt.Fprintf(stderr, "kiosk-agent: reader on %s: %v\n", path, err)
		if !errors.As(err, new(*idcard.StatusError)) {
			return 1
		}
	} else if id, err := r.SAMID(ctx); err == nil {
		fmt.Fprintf(stderr, "reader on %s, SAM %s\n", path, id)
	}
	fmt.Fprintln(stderr, "请将身份证放在读卡区 (place the card on the reader)…")
	var card *idcard.Card
	for {
		card, err = r.ReadCard(ctx, idcard.ReadOptions{Fingerprint: *fp})
		if err == nil {
			break
		}
		if !errors.Is(err, idcard.ErrNoCard) && !idcard.NeedsReplace(err) {
			fmt.Fprintf(stderr, "kiosk-agent: %v\n", err)
			return 1
		}
		if idcard.NeedsReplace(err) {
			fmt.Fprintln(stderr, "请将身份证拿起后重新放置 (lift the card and place it again)")
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, "kiosk-agent: no card was placed in time")
			return 1
		case <-time.After(500 * time.Millisecond):
		}
	}
	defer card.Wipe()
	return printCard(stdout, card, *asJSON, *showID)
}

// openReaderPort opens the given port, or finds the reader.
func openReaderPort(ctx context.Context, port, stateDir string, stderr io.Writer) (transport.Port, string, error) {
	switch port {
	case "usb":
		return idcardsvc.USB(ctx)
	case "", "auto":
	default:
		p, err := serialport.Open(port, serialport.Config{})
		return p, port, err
	}
	found, _, err := idcardsvc.NewFinder(nil, stateDir, slog.New(slog.DiscardHandler)).Find(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("%w (run 'kiosk-agent devices' to see what was tried)", err)
	}
	return found.Port, found.Path, nil
}

func printCard(w io.Writer, c *idcard.Card, asJSON, showID bool) int {
	id := c.IDNumber
	if !showID {
		id = idnumber.Mask(id)
	}
	if asJSON {
		out := api.WireCard(c)
		out.IDNumber = id
		out.Fingerprint = c.Fingerprint
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return 1
		}
		return 0
	}
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-10s %s\n", k, v)
		}
	}
	row("类型", string(c.Type))
	row("姓名", c.Name)
	row("英文姓名", c.NameEn)
	row("性别", c.Sex)
	row("民族", c.Nation)
	row("出生日期", c.BirthDate)
	row("住址", c.Address)
	row("公民身份号码", id)
	if r, ok := region.LookupID(c.IDNumber); ok {
		row("出生地", r.String())
	}
	row("签发机关", c.Issuer)
	row("有效期限", c.ValidFrom+" – "+c.ValidUntil)
	row("国籍", c.Nationality)
	row("通行证号码", c.PassNumber)
	row("签发次数", c.IssueCount)
	row("追加住址", c.AppendedAddress)
	row("照片", fmt.Sprintf("%d bytes WLT", len(c.Photo)))
	if c.Fingerprint != nil {
		row("指纹", fmt.Sprintf("%d bytes", len(c.Fingerprint)))
	}
	return 0
}

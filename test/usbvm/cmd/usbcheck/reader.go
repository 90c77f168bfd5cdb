package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/api"
	idcardsvc "github.com/kiosk-agent/kiosk-agent/agent/device/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/usbframe"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/idcardsim"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/protocol"
	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

const readerVID, readerPID = 0x0400, 0xC35A

// serialExclude keeps the agent's search off the VM's console.
var serialExclude = []string{"/dev/ttyS0", "/dev/ttyS1", "/dev/ttyS2", "/dev/ttyS3"}

func reader(format string, args ...any) error {
	_, err := usbvm.Call("reader", format, args...)
	return err
}

// sameCard compares what was read with the sample, field by field.
func sameCard(got, want *idcard.Card) error {
	var diffs []string
	gv, wv := reflect.ValueOf(got.Fields), reflect.ValueOf(want.Fields)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface()))
		}
	}
	if got.AppendedAddress != want.AppendedAddress {
		diffs = append(diffs, fmt.Sprintf("AppendedAddress %q, want %q", got.AppendedAddress, want.AppendedAddress))
	}
	wantPhoto := make([]byte, 1024)
	copy(wantPhoto, want.Photo)
	if !bytes.Equal(got.Photo, wantPhoto) {
		diffs = append(diffs, fmt.Sprintf("photo differs (%d bytes read)", len(got.Photo)))
	}
	if len(got.Incomplete) > 0 {
		diffs = append(diffs, fmt.Sprintf("incomplete %v", got.Incomplete))
	}
	if len(diffs) > 0 {
		return errors.New(strings.Join(diffs, "; "))
	}
	return nil
}

// readerChecks runs the reader's checks; timed is called once the timing,
// which must run alone, is over.
func readerChecks(timed func()) {
	var once sync.Once
	done := func() { once.Do(timed) }
	defer done()
	if err := waitUSB(readerVID, readerPID, true, 10*time.Second); err != nil {
		check("reader.enumerated", func() (string, error) { return "", err })
		return
	}
	baseFDs := openFDs()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()

	var port transport.Port
	check("reader.discover", func() (string, error) {
		list, err := usbframe.List()
		if err != nil {
			return "", err
		}
		if len(list) != 1 || list[0].ID != usbframe.StandardID {
			return "", fmt.Errorf("usbframe.List found %v", list)
		}
		// The agent's own search: USB bulk readers first, by VID:PID.
		found, _, err := idcardsvc.NewFinder(serialExclude, "", slog.New(slog.DiscardHandler)).Find(ctx)
		if err != nil {
			return "", err
		}
		if !strings.Contains(found.Path, "0400:C35A") {
			found.Port.Close()
			return "", fmt.Errorf("found the reader at %q", found.Path)
		}
		port = found.Port
		return found.Path, nil
	})
	if port == nil {
		return
	}
	r := idcard.NewReader(port, idcard.Options{})
	check("reader.sam", func() (string, error) {
		if err := r.SAMStatus(ctx); err != nil {
			return "", err
		}
		id, err := r.SAMID(ctx)
		return fmt.Sprintf("SAM %s", id), err
	})
	// The full read through the real stack against the serial floor: the
	// simulator's delays plus the wire time at 115200 8N1 of the same
	// exchange (find, select, 30 01, 30 03), as drivers/idcard's
	// BenchmarkFullRead reports it.
	check("reader.timing", func() (string, error) {
		d := idcardsim.DefaultDelays
		delays := d.Find + d.Select + d.Read + d.AppendedAddress
		wire := idcardsim.WireTime(4*10+15+19+1295+11, 115200)
		floor := delays + wire
		var times []time.Duration
		for range 5 {
			if err := reader("place 1"); err != nil {
				return "", err
			}
			start := time.Now()
			c, err := r.ReadCard(ctx, idcard.ReadOptions{})
			if err != nil {
				return "", err
			}
			times = append(times, time.Since(start))
			c.Wipe()
		}
		slices.Sort(times)
		ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
		return fmt.Sprintf("USB full read p50 %s, min %s, max %s; serial floor %s (delays %s + wire %s); USB overhead over the delays %s",
			ms(times[2]), ms(times[0]), ms(times[4]), ms(floor), ms(delays), ms(wire), ms(times[2]-delays)), nil
	})
	done()

	for i, want := range idcardsim.SampleCards() {
		check(fmt.Sprintf("reader.card%d", i), func() (string, error) {
			if err := reader("mark card %d", i); err != nil {
				return "", err
			}
			if err := reader("place %d", i); err != nil {
				return "", err
			}
			got, err := r.ReadCard(ctx, idcard.ReadOptions{})
			if err != nil {
				return "", err
			}
			defer got.Wipe()
			return fmt.Sprintf("%s %s, every field exact", want.Type, want.Name), sameCard(got, want)
		})
	}

	check("reader.unplug-mid-read", func() (string, error) {
		if err := reader("mark unplug"); err != nil {
			return "", err
		}
		if err := reader("place 0"); err != nil {
			return "", err
		}
		done := make(chan error, 1)
		go func() {
			c, err := r.ReadCard(ctx, idcard.ReadOptions{})
			if err == nil {
				c.Wipe()
			}
			done <- err
		}()
		// 30 01 takes the reader 350 ms: unbind the gadget inside it.
		time.Sleep(150 * time.Millisecond)
		if err := reader("unplug"); err != nil {
			return "", err
		}
		err := <-done
		port.Close()
		if err == nil {
			return "", errors.New("the read succeeded")
		}
		if !errors.Is(err, transport.ErrDisconnected) {
			return "", fmt.Errorf("want an error matching transport.ErrDisconnected (DEVICE_DISCONNECTED), got %v", err)
		}
		// agent/api's one error table maps it to DEVICE_DISCONNECTED.
		return fmt.Sprintf("transport.ErrDisconnected (%s): %v", protocol.ReasonDeviceDisconnected, err),
			waitUSB(readerVID, readerPID, false, 5*time.Second)
	})

	check("reader.replug", func() (string, error) {
		if err := reader("mark replug"); err != nil {
			return "", err
		}
		if err := reader("plug"); err != nil {
			return "", err
		}
		if err := waitUSB(readerVID, readerPID, true, 10*time.Second); err != nil {
			return "", err
		}
		var p transport.Port
		var err error
		for try := 0; try < 50; try++ { // the interface may not be ready at once
			if p, _, err = idcardsvc.USB(ctx); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			return "", err
		}
		defer p.Close()
		if err := reader("place 1"); err != nil {
			return "", err
		}
		got, err := idcard.NewReader(p, idcard.Options{}).ReadCard(ctx, idcard.ReadOptions{})
		if err != nil {
			return "", err
		}
		defer got.Wipe()
		return "the next read is exact", sameCard(got, idcardsim.SampleCards()[1])
	})

	check("reader.no-leak", func() (string, error) {
		if fds := openFDs(); len(fds) != len(baseFDs) {
			return "", fmt.Errorf("%d file descriptors open %v, %d before the reader was opened %v", len(fds), fds, len(baseFDs), baseFDs)
		}
		return fmt.Sprintf("%d fds before and after", len(baseFDs)), nil
	})

	check("reader.cli", func() (string, error) {
		if err := reader("mark cli"); err != nil {
			return "", err
		}
		if err := reader("place 1"); err != nil {
			return "", err
		}
		cmd := exec.Command(*agentPath, "idcard", "read", "--port", "usb", "--json", "--show-id", "--timeout", "20s",
			"--state-dir", os.TempDir())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		var got protocol.Card
		if err := json.Unmarshal(out, &got); err != nil {
			return "", err
		}
		want := api.WireCard(idcardsim.SampleCards()[1])
		want.Photo.WLT = append(want.Photo.WLT, make([]byte, 1024-len(want.Photo.WLT))...)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			return "", fmt.Errorf("kiosk-agent printed %s, want %s", g, w)
		}
		return "kiosk-agent idcard read --port usb: " + strings.TrimSpace(strings.Split(stderr.String(), "\n")[0]), nil
	})
}

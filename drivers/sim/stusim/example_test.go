package stusim_test

import (
	"context"
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/drivers/sim/stusim"
)

// A host session against the simulated STU-540: switch on time count and
// sequence, set the signature box, let the virtual hand sign, and read the
// pen reports the way a driver would.
func Example() {
	pad := stusim.New(stusim.Config{Seed: 1, Speed: 1000, InputBuffer: 4096})
	dev := pad.Device()
	defer dev.Close()

	info, _ := dev.GetFeature(0x08, 17)
	fmt.Printf("% x\n", info)

	_ = dev.SetFeature([]byte{0x32, 0x03})                         // PenDataOptionMode: time count + sequence
	_ = dev.SetFeature([]byte{0x2A, 0, 0, 0, 0, 0x1F, 3, 0xAE, 1}) // HandwritingDisplayArea 0,0–799,430
	st, _ := dev.GetFeature(0x03, 5)
	fmt.Printf("status %02x, lastResultCode %02x\n", st[1], st[2])

	if err := pad.Sign(context.Background(), "张三"); err != nil {
		fmt.Println(err)
		return
	}
	var touching int
	var last stusim.PenReport
	for {
		b, err := dev.ReadInput(0)
		if err != nil {
			break
		}
		last, _ = stusim.DecodePenReport(b)
		if last.Sw != 0 {
			touching++
		}
	}
	fmt.Println("wrote with the pen down:", touching > 100, "- left at the end:", !last.Rdy)
	// Output:
	// 08 53 54 55 2d 35 34 30 00 00 01 00 00 02 00 00 00
	// status 00, lastResultCode 00
	// wrote with the pen down: true - left at the end: true
}

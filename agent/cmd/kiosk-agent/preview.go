package main

import (
	"os"

	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
	"github.com/kiosk-agent/kiosk-agent/drivers/sim/escpossim"
	"github.com/kiosk-agent/kiosk-agent/drivers/textimage"
)

// writePreview draws r as prof's printer would print it, to a PNG file.
func writePreview(path string, r escpos.Receipt, prof escpos.Profile, fonts textimage.Chain) error {
	job, err := escpos.Layout(r, prof, fonts)
	if err != nil {
		return err
	}
	doc := escpossim.Interpret(job.Bytes(), escpossim.Config{PaperWidth: prof.PaperMM, NativeQR: prof.NativeQR,
		FourByteGB18030: prof.Charset == escpos.CharsetGB18030})
	b, err := doc.Pages[0].PNG()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

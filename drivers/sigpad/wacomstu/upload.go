package wacomstu

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// ShowImage puts img on the screen at img.Bounds() (spec §1.7). A
// full-screen image goes through StartImageData, a smaller one through
// StartImageDataArea (430/530/540; elsewhere sigpad.ErrUnsupported); an
// image reaching outside the screen is sigpad.ErrOffScreen. The encoding is
// the best the pad accepts: 24-bit B, G, R on colour pads, RGB565 on the
// 520A, else 1-bit, zlib-compressed where the pad says it takes zlib (and
// uncompressed from then on if it refuses the zlib data). The data goes in
// ImageDataBlock reports of 253 bytes; a full 24-bit 800×480 frame is 4,554
// of them, so prefer small areas on colour pads. When ctx ends or the
// transport fails half-way, the upload is abandoned (27 01).
func (p *Pad) ShowImage(ctx context.Context, img image.Image) error {
	if img == nil {
		return fmt.Errorf("wacomstu: no image: %w", sigpad.ErrOffScreen)
	}
	r, screen := img.Bounds(), p.caps.Screen()
	if r.Empty() || !r.In(screen) {
		return fmt.Errorf("wacomstu: image at %v on a %v screen: %w", r, screen, sigpad.ErrOffScreen)
	}
	full := r == screen
	if !full && p.model.features&featAreaImage == 0 {
		return fmt.Errorf("wacomstu: %s takes full-screen images only: %w", p.info.Model, sigpad.ErrUnsupported)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	mode := imageMode(p.caps.Encodings, p.noZlib)
	err := p.upload(ctx, img, r, full, mode)
	var se *StateError
	if mode == Mode1bitZlib && errors.As(err, &se) && se.Result == ResultGraphicsZlib {
		p.noZlib = true
		err = p.upload(ctx, img, r, full, Mode1bit)
	}
	return err
}

// upload sends one image in mode m.
func (p *Pad) upload(ctx context.Context, img image.Image, r image.Rectangle, full bool, m EncodingMode) error {
	data, err := packImage(img, r, m)
	if err != nil {
		return err
	}
	start := EncodeStartImageData(m)
	if !full {
		rect, err := RectOf(r)
		if err != nil {
			return err
		}
		start = EncodeStartImageDataArea(m, rect)
	}
	if err := p.set(ctx, start); err != nil {
		return err
	}
	if err := p.sendBlocks(ctx, data); err != nil {
		p.abandon()
		return err
	}
	return p.set(ctx, EncodeEndImageData(true))
}

// sendBlocks sends data in ImageDataBlock reports once the pad is in the
// Image state, without reading Status between blocks (as the SDK does).
func (p *Pad) sendBlocks(ctx context.Context, data []byte) error {
	if err := p.waitToSend(ctx, ReportImageDataBlock, Set); err != nil {
		return err
	}
	block := report(ReportImageDataBlock)
	for off := 0; off < len(data); off += MaxImageBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := putImageDataBlock(block, data[off:min(off+MaxImageBlock, len(data))]); err != nil {
			return err
		}
		if err := p.dev.SetFeature(block); err != nil {
			p.statusOK = false
			return fmt.Errorf("wacomstu: set %v at byte %d of %d: %w", ReportImageDataBlock, off, len(data), err)
		}
	}
	return nil
}

// abandon tells the pad to drop a half-sent image, best effort, within a
// second of its own even when the caller's context has ended.
func (p *Pad) abandon() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p.statusOK = false
	if p.dev.SetFeature(EncodeEndImageData(false)) == nil {
		p.readStatus(ctx)
	}
}

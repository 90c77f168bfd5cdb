package wacomstu

import (
	"context"
	"errors"
	"fmt"
	"image/color"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// Start prepares a signature (spec §1.6): time count and sequence on
// (430/530/540), the handwriting area (the whole screen when o.Area is
// empty), the ink and the ink threshold when asked for, then inking on
// (off with o.NoInking). An Area, Ink or Threshold the model has no report
// for is sigpad.ErrUnsupported, and an Area that is not on the screen
// sigpad.ErrOffScreen, before anything is sent. On a mono pad the ink
// colour is ignored (its ink is black); the thickness is set. The pad's
// clock is anchored anew at the first sample after Start.
func (p *Pad) Start(ctx context.Context, o sigpad.Options) error {
	f := p.model.features
	area := p.caps.Screen()
	if !o.Area.Empty() {
		if f&featDisplayArea == 0 {
			return fmt.Errorf("wacomstu: %s has no handwriting area: %w", p.info.Model, sigpad.ErrUnsupported)
		}
		if !o.Area.In(area) {
			return fmt.Errorf("wacomstu: handwriting area %v on a %v screen: %w", o.Area, area, sigpad.ErrOffScreen)
		}
		area = o.Area
	}
	if o.Ink != nil && f&(featThickness24|featThickness16) == 0 {
		return fmt.Errorf("wacomstu: %s has no ink setting: %w", p.info.Model, sigpad.ErrUnsupported)
	}
	if o.Ink != nil && (o.Ink.Thickness < 0 || o.Ink.Thickness > 0xFF) {
		return fmt.Errorf("wacomstu: ink thickness %d out of range: %w", o.Ink.Thickness, sigpad.ErrUnsupported)
	}
	if t := o.Threshold; t != nil && (t.On < 0 || t.Off < 0 || t.On > 0xFFFF || t.Off > 0xFFFF) {
		return fmt.Errorf("wacomstu: ink threshold %d/%d out of range: %w", t.On, t.Off, sigpad.ErrUnsupported)
	}
	rect, err := RectOf(area)
	if err != nil {
		return err
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.statusOK && p.status.Code == StatusCapture {
		if err := p.set(ctx, EncodeEndCapture()); err != nil {
			return err
		}
	}
	if f&featTimeCountSeq != 0 {
		if err := p.set(ctx, EncodePenDataOptionMode(OptionTimeCountSequence)); err != nil {
			return err
		}
	}
	if f&featDisplayArea != 0 {
		if err := p.set(ctx, EncodeHandwritingDisplayArea(rect)); err != nil {
			return err
		}
	}
	if o.Ink != nil {
		if err := p.setInk(ctx, o.Ink); err != nil {
			return err
		}
	}
	if t := o.Threshold; t != nil {
		if err := p.setThreshold(ctx, uint16(t.On), uint16(t.Off)); err != nil {
			return err
		}
	}
	p.start.Add(1)
	return p.set(ctx, EncodeInkingMode(!o.NoInking))
}

// setInk sends the ink colour and thickness in the report the model has.
func (p *Pad) setInk(ctx context.Context, ink *sigpad.Ink) error {
	c := ink.Color
	if c == nil || p.model.features&featColorInk == 0 {
		c = color.Black
	}
	if p.model.features&featThickness24 != 0 {
		return p.set(ctx, EncodeHandwritingThicknessColor24(c, uint8(ink.Thickness)))
	}
	return p.set(ctx, EncodeHandwritingThicknessColor(c, uint8(ink.Thickness)))
}

// setThreshold writes the ink threshold when it differs from the pad's.
func (p *Pad) setThreshold(ctx context.Context, on, off uint16) error {
	_, err := p.setIfChanged(ctx, EncodeInkThreshold(on, off))
	return err
}

// Stop ends a signature (spec §1.6 step 7): inking off, screen cleared,
// pen data option mode off. It tries all three and returns what failed; it
// stops at the first error that means the device is gone.
func (p *Pad) Stop(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	reports := [][]byte{EncodeInkingMode(false), EncodeClearScreen()}
	if p.model.features&featTimeCountSeq != 0 {
		reports = append(reports, EncodePenDataOptionMode(OptionNone))
	}
	var errs []error
	for _, r := range reports {
		if err := p.set(ctx, r); err != nil {
			errs = append(errs, err)
			if isFatal(err) {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// Clear clears the screen (20 00). The pad does it asynchronously: the
// next command waits until it is done.
func (p *Pad) Clear(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.set(ctx, EncodeClearScreen())
}

// Reset soft-resets the pad (04 00): Ready, white screen, inking on,
// encryption and pen data option mode off, default thresholds, area, ink
// and background. The next command waits until the pad is Ready again.
func (p *Pad) Reset(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.waitToSend(ctx, ReportReset, Set); err != nil {
		return err
	}
	if err := p.dev.SetFeature(EncodeReset(false)); err != nil {
		p.statusOK = false
		return fmt.Errorf("wacomstu: set %v: %w", ReportReset, err)
	}
	p.statusOK = false
	return p.waitReady(ctx, ReportReset)
}

// waitReady polls Status until the pad is Ready; giving up, it blames the
// report id waited for.
func (p *Pad) waitReady(ctx context.Context, id ReportID) error {
	for try := 0; ; try++ {
		st, err := p.readStatus(ctx)
		if err != nil {
			return err
		}
		if st.Code == StatusReady {
			return nil
		}
		if try >= p.cfg.StatusRetries {
			return &StateError{Report: id, Dir: Set, Status: st.Code}
		}
		if err := sleep(ctx, p.cfg.StatusInterval); err != nil {
			return err
		}
	}
}

// SetBackgroundColor sets the screen's background colour (2E on 530/540,
// 29 on the 520A), only if the pad holds a different one: the setting
// lives in NVRAM. It shows after the next Clear. It reports whether it
// wrote.
func (p *Pad) SetBackgroundColor(ctx context.Context, c color.Color) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch f := p.model.features; {
	case f&featBackground24 != 0:
		return p.setIfChanged(ctx, EncodeBackgroundColor24(c))
	case f&featBackground16 != 0:
		return p.setIfChanged(ctx, EncodeBackgroundColor(c))
	}
	return false, fmt.Errorf("wacomstu: %s has no background colour: %w", p.info.Model, sigpad.ErrUnsupported)
}

// SetBacklightBrightness sets the backlight, 0 (dim) to 3 (bright), only if
// the pad holds a different value (NVRAM). It reports whether it wrote.
func (p *Pad) SetBacklightBrightness(ctx context.Context, level int) (bool, error) {
	if p.model.features&featBrightness == 0 {
		return false, fmt.Errorf("wacomstu: %s has no backlight setting: %w", p.info.Model, sigpad.ErrUnsupported)
	}
	if level < 0 || level > 3 {
		return false, fmt.Errorf("wacomstu: backlight level %d, want 0…3: %w", level, sigpad.ErrUnsupported)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.setIfChanged(ctx, EncodeBacklightBrightness(uint16(level)))
}

// SetUID stores a 32-bit ID in the pad (0A), only if it holds a different
// one (NVRAM). It reports whether it wrote.
func (p *Pad) SetUID(ctx context.Context, uid uint32) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.setIfChanged(ctx, EncodeUID(uid))
}

package sigpad

import (
	"context"
	"image"
	"image/color"
)

// Pad is a signature pad driven by one of the drivers. Its methods are
// safe for concurrent use: commands are serialised, and ReadSample may run
// in its own goroutine while other methods are called.
//
// Samples are pulled with ReadSample rather than pushed on a channel: the
// driver starts no goroutine of its own, a caller reading in a loop gets
// each sample as soon as the transport hands the report over (a blocking
// read in the runtime's poller, no polling interval in between), and a
// device that goes away is reported to the reader as an error, in order,
// instead of as a closed channel.
type Pad interface {
	// Info identifies the pad.
	Info() Info
	// Capabilities are the pad's ranges and what its screen accepts.
	Capabilities() Capabilities
	// Start prepares a signature: pad clock and sequence on where the pad
	// has them, handwriting area, ink, and inking on. Options the pad
	// cannot honour make it fail with ErrUnsupported before anything is
	// sent.
	Start(ctx context.Context, o Options) error
	// ShowImage puts img on the pad's screen, at img.Bounds() (an image
	// smaller than the screen updates that rectangle only, where the pad
	// can; an image that reaches outside the screen is ErrOffScreen). The
	// pad picks the encoding. ErrUnsupported on pads without images.
	ShowImage(ctx context.Context, img image.Image) error
	// Clear clears the screen (and the ink on it).
	Clear(ctx context.Context) error
	// ReadSample returns the next sample, waiting until one comes or ctx
	// ends (ctx's error). Only one ReadSample runs at a time.
	ReadSample(ctx context.Context) (Sample, error)
	// Stop ends a signature: inking off, screen cleared, pad clock off.
	Stop(ctx context.Context) error
	// Close releases the device; a ReadSample in progress returns.
	Close() error
}

// DropCounter is implemented by pads whose reports carry a sequence
// number: Dropped is how many reports never arrived (sequence gaps) since
// the pad was opened.
type DropCounter interface {
	Dropped() uint64
}

// Options shape a signature. The zero value means: the whole screen,
// inking on, the pad's own ink and thresholds left as they are.
type Options struct {
	// Area is where the pad inks, in screen pixels (Max exclusive, as
	// image.Rectangle always is). Empty means the whole screen.
	Area image.Rectangle
	// NoInking keeps the pad from drawing ink itself (the host draws).
	NoInking bool
	// Ink sets the ink's colour and thickness; nil leaves the pad's.
	Ink *Ink
	// Threshold sets the pressures at which the pad starts and stops
	// inking; nil leaves the pad's.
	Threshold *Threshold
}

// Ink is the colour and thickness the pad draws with.
type Ink struct {
	Color color.Color // nil means black
	// Thickness is the pad's thickness code (STU-540: 0, 1, 2, 3 for 1, 3,
	// 5, 7 px).
	Thickness int
}

// Threshold is the pressure, in pad units, at which ink starts (On) and
// stops (Off).
type Threshold struct {
	On, Off int
}

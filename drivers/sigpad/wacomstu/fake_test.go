package wacomstu

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/hid"
)

// fakeSTU is a small model of an STU pad behind hid.Device, written from
// the spec rather than from the driver: it keeps a state and a
// lastResultCode, refuses reports in the wrong state, and stores what is
// set so that a get returns it.
type fakeSTU struct {
	mu       sync.Mutex
	state    StatusCode
	result   ResultCode
	busy     int // Status polls until a busy state (after ClearScreen, Reset) ends
	busyCode StatusCode
	values   map[ReportID][]byte // what a get returns
	sets     [][]byte            // every set report, in order
	reject   map[ReportID]ResultCode
	noReport map[ReportID]bool // reports the model does not have: gets stall, sets answer 01

	rejectZlib bool
	mode       EncodingMode
	area       []byte // the 24 report, nil for a full-screen image
	data       []byte
	images     []fakeImage

	blocksUntilHook int    // call hook after this many image blocks (0: never)
	hook            func() // e.g. cancel a context
	gone            bool

	input  chan []byte
	closed chan struct{}
	once   sync.Once
}

type fakeImage struct {
	mode EncodingMode
	area []byte
	data []byte // decompressed for zlib
}

var errStall = errors.New("fake: endpoint stalled (EPIPE)")

func newFakeSTU(info, capability []byte) *fakeSTU {
	return &fakeSTU{
		values: map[ReportID][]byte{
			ReportInformation: info,
			ReportCapability:  capability,
		},
		reject:   map[ReportID]ResultCode{},
		noReport: map[ReportID]bool{},
		input:    make(chan []byte, 64),
		closed:   make(chan struct{}),
	}
}

func fake540() *fakeSTU {
	f := newFakeSTU(
		[]byte{0x08, 'S', 'T', 'U', '-', '5', '4', '0', 0, 0, 1, 0, 0, 2, 0, 0, 0},
		[]byte{0x09, 0x2A, 0x30, 0x19, 0x50, 0x03, 0xFF, 0x03, 0x20, 0x01, 0xE0, 0xC8, 0x09, 0xEC, 0x0F, 0, 0})
	f.values[ReportUID2] = append([]byte{0x0B}, "5JZQS00099"...)
	f.values[ReportEserial] = append([]byte{0x0F}, "ESN1234567890"...)
	f.values[ReportInkThreshold] = []byte{0x22, 21, 0, 16, 0}
	f.values[ReportBackgroundColor24] = []byte{0x2E, 0xFF, 0xFF, 0xFF}
	return f
}

func fake430V() *fakeSTU {
	f := newFakeSTU(
		[]byte{0x08, 'S', 'T', 'U', '-', '4', '3', '0', 'V', 0, 1, 4, 0, 0xbb, 0, 0, 0},
		[]byte{0x09, 0x25, 0x80, 0x17, 0x70, 0x03, 0xFF, 0x01, 0x40, 0x00, 0xC8, 0xC8, 0x09, 0xEC, 0x03, 0, 0})
	f.values[ReportUID2] = append([]byte{0x0B}, "5JZQS00032"...)
	f.values[ReportInkThreshold] = []byte{0x22, 21, 0, 16, 0}
	f.noReport[ReportEserial] = true
	return f
}

func (f *fakeSTU) GetFeature(id byte, size int) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return nil, fmt.Errorf("fake: %w", transport.ErrDisconnected)
	}
	if ReportID(id) == ReportStatus {
		b := []byte{byte(ReportStatus), byte(f.state), byte(f.result), 0, 0}
		if f.busy > 0 {
			if f.busy--; f.busy == 0 {
				f.state = StatusReady
			}
		}
		return b, nil
	}
	v, ok := f.values[ReportID(id)]
	if !ok || f.noReport[ReportID(id)] {
		return nil, errStall
	}
	out := make([]byte, size)
	copy(out, v)
	return out, nil
}

func (f *fakeSTU) SetFeature(r []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return fmt.Errorf("fake: %w", transport.ErrDisconnected)
	}
	f.sets = append(f.sets, bytes.Clone(r))
	id := ReportID(r[0])
	if f.noReport[id] {
		f.result = ResultWrongReportID
		return nil
	}
	if code, ok := f.reject[id]; ok {
		f.result = code
		return nil
	}
	var ok bool
	switch id {
	case ReportImageDataBlock, ReportEndImageData:
		ok = f.state == StatusImage
	case ReportStartImageData, ReportStartImageDataArea, ReportClearScreen, ReportInkThreshold:
		ok = f.state == StatusReady
	case ReportEndCapture:
		ok = f.state == StatusCapture
	default:
		ok = f.state != StatusSystemReset && f.state != StatusCalculation
	}
	if !ok {
		f.result = ResultWrongState
		return nil
	}
	f.result = ResultNone
	switch id {
	case ReportStartImageData, ReportStartImageDataArea:
		f.state, f.mode, f.data, f.area = StatusImage, EncodingMode(r[1]), nil, nil
		if id == ReportStartImageDataArea {
			f.area = bytes.Clone(r)
		}
	case ReportImageDataBlock:
		n := int(r[1]) | int(r[2])<<8
		if len(r) != 256 || n > MaxImageBlock {
			f.result = ResultBadParameter
			return nil
		}
		f.data = append(f.data, r[3:3+n]...)
		if f.blocksUntilHook > 0 {
			if f.blocksUntilHook--; f.blocksUntilHook == 0 && f.hook != nil {
				f.hook()
			}
		}
	case ReportEndImageData:
		f.state = StatusReady
		if r[1] != 0 {
			return nil
		}
		img := fakeImage{mode: f.mode, area: f.area, data: f.data}
		if f.mode == Mode1bitZlib {
			if f.rejectZlib {
				f.result = ResultGraphicsZlib
				return nil
			}
			zr, err := zlib.NewReader(bytes.NewReader(f.data))
			if err == nil {
				img.data, err = io.ReadAll(zr)
			}
			if err != nil {
				f.result = ResultGraphicsZlib
				return nil
			}
		}
		f.images = append(f.images, img)
	case ReportClearScreen:
		f.state, f.busy = StatusImage, 2 // clearing runs asynchronously
	case ReportEndCapture:
		f.state = StatusReady
	case ReportReset:
		f.state, f.busy = StatusSystemReset, 2
	default:
		f.values[id] = bytes.Clone(r)
	}
	return nil
}

func (f *fakeSTU) ReadInput(timeout time.Duration) ([]byte, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case b, ok := <-f.input:
		if !ok {
			return nil, fmt.Errorf("fake: %w", transport.ErrDisconnected)
		}
		return b, nil
	case <-f.closed:
		return nil, transport.ErrClosed
	case <-t.C:
		return nil, hid.ErrTimeout
	}
}

func (f *fakeSTU) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

// setIDs lists the report IDs set, in order.
func (f *fakeSTU) setIDs() []ReportID {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]ReportID, len(f.sets))
	for i, s := range f.sets {
		ids[i] = ReportID(s[0])
	}
	return ids
}

func (f *fakeSTU) lastSet(id ReportID) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.sets) - 1; i >= 0; i-- {
		if ReportID(f.sets[i][0]) == id {
			return f.sets[i]
		}
	}
	return nil
}

func (f *fakeSTU) resetLog() {
	f.mu.Lock()
	f.sets = nil
	f.mu.Unlock()
}

package wacomstu

// VendorID is Wacom's USB vendor ID.
const VendorID = 0x056A

// The SDK treats PIDs ProductIDMin…ProductIDMax as STU pads.
const (
	ProductIDMin = 0x00A1
	ProductIDMax = 0x00AF
)

// EncodingFlag is Capability's encodingFlag: the image encodings the pad
// accepts (spec §1.4).
type EncodingFlag uint8

// The encodingFlag bits.
const (
	FlagZlib  EncodingFlag = 0x01 // 1-bit images may be zlib-compressed
	FlagMono  EncodingFlag = 0x02 // 1-bit
	Flag16bit EncodingFlag = 0x04 // RGB565
	Flag24bit EncodingFlag = 0x08 // 24-bit B, G, R
)

// feature is a set of reports a model has beyond the ones every STU has.
type feature uint32

const (
	featTimeCountSeq feature = 1 << iota // 32 03 and report 34
	featDisplayArea                      // 2A
	featThickness24                      // 2D (on mono pads, thickness only)
	featThickness16                      // 28 (RGB565 colour; 520A)
	featColorInk                         // the ink colour is honoured
	featAreaImage                        // 23, 24
	featUID2                             // 0B
	featEserial                          // 0F
	featBackground24                     // 2E
	featBackground16                     // 29
	featBrightness                       // 2B
)

const (
	// The 430 family: mono, thickness only, time count and sequence.
	feat430 = featTimeCountSeq | featDisplayArea | featThickness24 | featAreaImage | featUID2
	// The 530 family: colour.
	feat530 = feat430 | featThickness16 | featColorInk | featBackground24 | featBackground16 | featBrightness
	// The 540 family adds the eSerial.
	feat540 = feat530 | featEserial
	// The 520A: RGB565 colour, no time count with sequence.
	feat520 = featDisplayArea | featThickness16 | featColorInk | featBackground16 | featBrightness
)

// Model is one row of the model table (spec §1.1).
type Model struct {
	ProductID                 uint16
	Name                      string
	ScreenWidth, ScreenHeight int
	ColorDepth                int // 1, 16 or 24 bits per pixel
	PressureLevels            int
	// Inferred says the row is inferred from a sibling model, not read in
	// a Wacom source.
	Inferred bool

	features feature
}

// models is the model table by PID (spec §1.1).
var models = []Model{
	{0x00A1, "STU-500", 640, 480, 1, 512, false, 0},
	{0x00A2, "STU-300", 396, 100, 1, 512, false, 0},
	{0x00A3, "STU-520A", 800, 480, 16, 512, false, feat520},
	{0x00A4, "STU-430", 320, 200, 1, 1024, false, feat430},
	{0x00A5, "STU-530", 800, 480, 24, 1024, false, feat530},
	{0x00A6, "STU-430V", 320, 200, 1, 1024, false, feat430},
	{0x00A7, "STU-530V", 800, 480, 24, 1024, true, feat530},
	{0x00A8, "STU-540", 800, 480, 24, 1024, false, feat540},
	{0x00A9, "STU-541", 800, 480, 24, 1024, true, feat540},
}

// genericModel stands in for an STU PID the table does not know: it is
// assumed to have the 430-family reports, and the pad's lastResultCode
// tells the driver where it does not.
var genericModel = Model{Name: "STU", ColorDepth: 1, features: feat430}

// ModelByPID returns the table's row for pid.
func ModelByPID(pid uint16) (Model, bool) {
	for _, m := range models {
		if m.ProductID == pid {
			return m, true
		}
	}
	return Model{}, false
}

// ModelByName returns the row whose name is name ("STU-540"), as the
// Information report gives it.
func ModelByName(name string) (Model, bool) {
	for _, m := range models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}

// Models returns a copy of the model table.
func Models() []Model { return append([]Model(nil), models...) }

// FallbackEncodingFlag is the SDK's substitute for an encodingFlag with no
// 1-, 16- or 24-bit bit set (older firmware answers 0): 530, 530V and 540
// take 24-, 16- and 1-bit and zlib; the 520A 16- and 1-bit; everything
// else 1-bit only. The STU-541 is not in the SDK's list and so gets 1-bit.
func FallbackEncodingFlag(pid uint16, flag EncodingFlag) EncodingFlag {
	if flag&(FlagMono|Flag16bit|Flag24bit) != 0 {
		return flag
	}
	switch pid {
	case 0x00A5, 0x00A7, 0x00A8:
		return Flag24bit | Flag16bit | FlagMono | FlagZlib
	case 0x00A3:
		return Flag16bit | FlagMono
	}
	return FlagMono
}

package stusim

// Product IDs of the pads this simulator can be (vendor ID 0x056A).
const (
	VendorID uint16 = 0x056A
	// STU540 is the colour STU-540 (800×480, 24/16/1-bit images).
	STU540 uint16 = 0x00A8
	// STU430 is the monochrome STU-430 (320×200, 1-bit images only).
	STU430 uint16 = 0x00A4
)

// Capability is the content of feature report 09.
type Capability struct {
	TabletMaxX, TabletMaxY uint16
	TabletMaxPressure      uint16
	ScreenWidth            uint16
	ScreenHeight           uint16
	MaxReportRate          uint8
	Resolution             uint16
	EncodingFlag           uint8
}

// Bits of Capability.EncodingFlag.
const (
	EncodingFlagZlib  uint8 = 0x01
	EncodingFlag1Bit  uint8 = 0x02
	EncodingFlag16Bit uint8 = 0x04
	EncodingFlag24Bit uint8 = 0x08
)

// model is what differs between the pads.
type model struct {
	pid        uint16
	name       string
	capability Capability
	colour     bool // 16/24-bit images, colour ink and background, NVRAM display settings
	extras540  bool // RenderingMode, Eserial, DefaultMode, ReportRate
}

var models = map[uint16]model{
	STU540: {
		pid:  STU540,
		name: "STU-540",
		capability: Capability{
			TabletMaxX: 10800, TabletMaxY: 6480, TabletMaxPressure: 1023,
			ScreenWidth: 800, ScreenHeight: 480, MaxReportRate: 200, Resolution: 2540,
			EncodingFlag: EncodingFlagZlib | EncodingFlag1Bit | EncodingFlag16Bit | EncodingFlag24Bit,
		},
		colour:    true,
		extras540: true,
	},
	STU430: {
		pid:  STU430,
		name: "STU-430",
		capability: Capability{
			TabletMaxX: 9600, TabletMaxY: 6000, TabletMaxPressure: 1023,
			ScreenWidth: 320, ScreenHeight: 200, MaxReportRate: 200, Resolution: 2540,
			EncodingFlag: EncodingFlagZlib | EncodingFlag1Bit,
		},
	},
}

// Status codes (report 03, byte 1).
const (
	StatusReady       byte = 0x00
	StatusImage       byte = 0x01
	StatusCapture     byte = 0x02
	StatusCalculation byte = 0x03
	StatusImageBoot   byte = 0x04
	StatusRomBusy     byte = 0x05
	StatusSystemReset byte = 0xFF
)

// Result codes (report 03, byte 2: lastResultCode).
const (
	ResultNone          byte = 0x00
	ResultWrongReportID byte = 0x01
	ResultWrongState    byte = 0x02
	ResultCRC           byte = 0x03
	ResultBadParameter  byte = 0x04
	ResultWrongEncoding byte = 0x10
	ResultImageTooLong  byte = 0x11
	ResultZlibError     byte = 0x12
	ResultBadArea       byte = 0x15
	ResultPadImage      byte = 0x20
)

// Report IDs the simulator knows.
const (
	ReportPenData                     byte = 0x01
	ReportStatus                      byte = 0x03
	ReportReset                       byte = 0x04
	ReportInformation                 byte = 0x08
	ReportCapability                  byte = 0x09
	ReportUid                         byte = 0x0A
	ReportUid2                        byte = 0x0B
	ReportDefaultMode                 byte = 0x0C
	ReportReportRate                  byte = 0x0D
	ReportRenderingMode               byte = 0x0E
	ReportEserial                     byte = 0x0F
	ReportEndCapture                  byte = 0x16
	ReportClearScreen                 byte = 0x20
	ReportInkingMode                  byte = 0x21
	ReportInkThreshold                byte = 0x22
	ReportClearScreenArea             byte = 0x23
	ReportStartImageDataArea          byte = 0x24
	ReportStartImageData              byte = 0x25
	ReportImageDataBlock              byte = 0x26
	ReportEndImageData                byte = 0x27
	ReportHandwritingThicknessColor   byte = 0x28
	ReportBackgroundColor             byte = 0x29
	ReportHandwritingDisplayArea      byte = 0x2A
	ReportBacklightBrightness         byte = 0x2B
	ReportScreenContrast              byte = 0x2C
	ReportHandwritingThicknessColor24 byte = 0x2D
	ReportBackgroundColor24           byte = 0x2E
	ReportBootScreen                  byte = 0x2F
	ReportPenDataOptionMode           byte = 0x32
	ReportPenDataTimeCountSequence    byte = 0x34
)

// Encoding modes of StartImageData / StartImageDataArea.
const (
	Encoding1Bit      byte = 0x00
	Encoding1BitZlib  byte = 0x01
	Encoding16Bit     byte = 0x02
	Encoding24Bit     byte = 0x04
	imageBlockMaxData      = 253
	imageBlockSize         = 256
)

// PenDataOptionMode values (report 32).
const (
	OptionNone              byte = 0x00
	OptionTimeCount         byte = 0x01
	OptionSequence          byte = 0x02
	OptionTimeCountSequence byte = 0x03
)

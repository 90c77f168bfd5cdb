package stusim

// stateSet is the set of statusCodes in which a report may be set.
type stateSet uint8

const (
	inReady stateSet = 1 << iota
	inImage
	inCapture
	inAny stateSet = 0xFF
)

func (s stateSet) has(status byte) bool {
	switch status {
	case StatusReady:
		return s&inReady != 0
	case StatusImage:
		return s&inImage != 0
	case StatusCapture:
		return s&inCapture != 0
	}
	return s == inAny
}

// reportSpec describes one feature report: its size on the wire (ID byte
// included), whether it can be got and set, the states a set is accepted
// in, whether a set writes NVRAM, and which models have it.
type reportSpec struct {
	size      int
	get, set  bool
	setStates stateSet
	nvram     bool
	colour    bool // only on colour models (520A/530/540)
	only540   bool // only on the STU-540 (and 430V, which is not simulated)
}

// Settings are accepted in Ready and in Capture (the SDK's table allows the
// session settings during an encrypted capture); image data only in Image.
const settable = inReady | inCapture

// reportSpecs are the feature reports the simulated pads have. Sizes follow
// the STU-430V's ReportSizeCollection where the spec lists one, else the
// payload layout plus the ID byte.
var reportSpecs = map[byte]reportSpec{
	ReportStatus:      {size: 5, get: true},
	ReportReset:       {size: 2, set: true, setStates: inAny},
	ReportInformation: {size: 17, get: true},
	// Capability has 14 payload bytes; the pad reports 17 with two
	// reserved bytes at the end.
	ReportCapability:                  {size: 17, get: true},
	ReportUid:                         {size: 5, get: true, set: true, setStates: settable, nvram: true},
	ReportUid2:                        {size: 11, get: true},
	ReportDefaultMode:                 {size: 2, get: true, set: true, setStates: inReady, nvram: true, only540: true},
	ReportReportRate:                  {size: 2, get: true, set: true, setStates: inReady, only540: true},
	ReportRenderingMode:               {size: 2, get: true, set: true, setStates: settable, only540: true},
	ReportEserial:                     {size: 14, get: true, only540: true},
	ReportEndCapture:                  {size: 2, set: true, setStates: inCapture},
	ReportClearScreen:                 {size: 2, set: true, setStates: settable},
	ReportInkingMode:                  {size: 2, get: true, set: true, setStates: settable},
	ReportInkThreshold:                {size: 5, get: true, set: true, setStates: settable},
	ReportClearScreenArea:             {size: 11, set: true, setStates: settable},
	ReportStartImageDataArea:          {size: 11, set: true, setStates: settable},
	ReportStartImageData:              {size: 2, set: true, setStates: settable},
	ReportImageDataBlock:              {size: imageBlockSize, set: true, setStates: inImage},
	ReportEndImageData:                {size: 2, set: true, setStates: inImage},
	ReportHandwritingThicknessColor:   {size: 4, get: true, set: true, setStates: settable},
	ReportBackgroundColor:             {size: 3, get: true, set: true, setStates: settable, nvram: true, colour: true},
	ReportHandwritingDisplayArea:      {size: 9, get: true, set: true, setStates: settable},
	ReportBacklightBrightness:         {size: 3, get: true, set: true, setStates: settable, nvram: true, colour: true},
	ReportScreenContrast:              {size: 3, get: true, set: true, setStates: settable, nvram: true, colour: true},
	ReportHandwritingThicknessColor24: {size: 5, get: true, set: true, setStates: settable},
	ReportBackgroundColor24:           {size: 4, get: true, set: true, setStates: settable, nvram: true, colour: true},
	ReportBootScreen:                  {size: 2, get: true, set: true, setStates: settable},
	ReportPenDataOptionMode:           {size: 2, get: true, set: true, setStates: settable},
}

// Sizes of the input reports, ID byte included.
const (
	penDataSize                  = 7
	penDataTimeCountSequenceSize = 11
)

// spec returns the report's description on model m, or false when m has
// no such feature report.
func (m model) spec(id byte) (reportSpec, bool) {
	s, ok := reportSpecs[id]
	if !ok || (s.colour && !m.colour) || (s.only540 && !m.extras540) {
		return reportSpec{}, false
	}
	return s, true
}

// ReportSize returns the size (report ID included) of feature report id on
// the pad, and false when the pad has no such feature report.
func (p *Pad) ReportSize(id byte) (int, bool) {
	s, ok := p.model.spec(id)
	return s.size, ok
}

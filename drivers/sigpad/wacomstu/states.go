package wacomstu

// stateSet is a set of StatusCodes, one bit each.
type stateSet uint8

const (
	inReady stateSet = 1 << iota
	inImage
	inCapture
	inCalculation
	inImageBoot
	inRomBusy
	inSystemReset

	inAny      = inReady | inImage | inCapture | inCalculation | inImageBoot | inRomBusy
	inAnyButRB = inReady | inImage | inCapture | inCalculation | inImageBoot
)

// stateBit is the bit of s; 0 for a code the table does not know, so that
// no report is sent in an unknown state.
func stateBit(s StatusCode) stateSet {
	switch s {
	case StatusReady:
		return inReady
	case StatusImage:
		return inImage
	case StatusCapture:
		return inCapture
	case StatusCalculation:
		return inCalculation
	case StatusImageBoot:
		return inImageBoot
	case StatusRomBusy:
		return inRomBusy
	case StatusSystemReset:
		return inSystemReset
	}
	return 0
}

// Direction is a get (GET_REPORT) or a set (SET_REPORT) of a feature
// report.
type Direction uint8

// The two directions.
const (
	Get Direction = iota
	Set
)

// String is "get" or "set".
func (d Direction) String() string {
	if d == Set {
		return "set"
	}
	return "get"
}

type op struct {
	id  ReportID
	dir Direction
}

// allowed is the SDK's table of the states in which the pad accepts each
// report (STU-JS ProtocolHelper send table, restated): most gets work in
// any state but SystemReset, most sets that change the screen only in
// Ready, image blocks only in Image, EndCapture only in Capture.
var allowed = map[op]stateSet{
	{ReportStatus, Get}:                      inAny,
	{ReportReset, Set}:                       inAny,
	{ReportInformation, Get}:                 inAny,
	{ReportCapability, Get}:                  inAny,
	{ReportUID, Get}:                         inAny,
	{ReportUID, Set}:                         inReady,
	{ReportUID2, Get}:                        inAnyButRB,
	{ReportEserial, Get}:                     inAny,
	{ReportEndCapture, Set}:                  inCapture,
	{ReportClearScreen, Set}:                 inReady,
	{ReportInkingMode, Get}:                  inAnyButRB,
	{ReportInkingMode, Set}:                  inAnyButRB,
	{ReportInkThreshold, Get}:                inAnyButRB,
	{ReportInkThreshold, Set}:                inReady,
	{ReportClearScreenArea, Set}:             inReady,
	{ReportStartImageDataArea, Set}:          inReady,
	{ReportStartImageData, Set}:              inReady,
	{ReportImageDataBlock, Set}:              inImage,
	{ReportEndImageData, Set}:                inImage,
	{ReportHandwritingThicknessColor, Get}:   inAnyButRB,
	{ReportHandwritingThicknessColor, Set}:   inAnyButRB,
	{ReportBackgroundColor, Get}:             inAnyButRB,
	{ReportBackgroundColor, Set}:             inAnyButRB,
	{ReportHandwritingDisplayArea, Get}:      inAnyButRB,
	{ReportHandwritingDisplayArea, Set}:      inAnyButRB,
	{ReportBacklightBrightness, Get}:         inAnyButRB,
	{ReportBacklightBrightness, Set}:         inReady | inCapture,
	{ReportHandwritingThicknessColor24, Get}: inAnyButRB,
	{ReportHandwritingThicknessColor24, Set}: inAnyButRB,
	{ReportBackgroundColor24, Get}:           inAnyButRB,
	{ReportBackgroundColor24, Set}:           inAnyButRB,
	{ReportPenDataOptionMode, Get}:           inAnyButRB,
	{ReportPenDataOptionMode, Set}:           inAnyButRB,
}

// CanSend reports whether a pad in state s accepts report id in direction
// d. Reports the table does not list are accepted in Ready only.
func CanSend(s StatusCode, id ReportID, d Direction) bool {
	set, ok := allowed[op{id, d}]
	if !ok {
		set = inReady
	}
	return set&stateBit(s) != 0
}

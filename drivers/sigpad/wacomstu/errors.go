package wacomstu

import (
	"fmt"

	"github.com/kiosk-agent/kiosk-agent/drivers/sigpad"
)

// StateError says a report was not accepted: either the pad stayed in a
// state in which it does not take the report until the driver gave up
// (Result is ResultNone), or it took the report and refused it (Result is
// its lastResultCode). It matches sigpad.ErrNotReady in the first case and
// for ResultWrongState, sigpad.ErrRejected whenever Result is not
// ResultNone, and sigpad.ErrUnsupported for a report or image encoding the
// model does not have (ResultWrongReportID, ResultGraphicsWrongMode).
type StateError struct {
	Report ReportID
	Dir    Direction
	Status StatusCode // the pad's state when the driver gave up or checked
	Result ResultCode // the pad's lastResultCode; ResultNone when it never got the report
}

// Error describes the failure with the code's meaning.
func (e *StateError) Error() string {
	if e.Result == ResultNone {
		return fmt.Sprintf("wacomstu: %s %v: the pad stayed in state %v, which does not accept it", e.Dir, e.Report, e.Status)
	}
	return fmt.Sprintf("wacomstu: %s %v: the pad answered lastResultCode %v (state %v)", e.Dir, e.Report, e.Result, e.Status)
}

// Is matches the sigpad sentinels as the type's comment says.
func (e *StateError) Is(target error) bool {
	switch target {
	case sigpad.ErrNotReady:
		return e.Result == ResultNone || e.Result == ResultWrongState
	case sigpad.ErrRejected:
		return e.Result != ResultNone
	case sigpad.ErrUnsupported:
		return e.Result == ResultWrongReportID || e.Result == ResultGraphicsWrongMode
	}
	return false
}

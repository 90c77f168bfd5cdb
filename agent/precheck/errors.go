package precheck

import (
	"errors"

	"github.com/kiosk-agent/kiosk-agent/agent/internal/fileerr"
)

// Error is one problem with a rules file: File is its name as given to
// Parse or Load (empty when none was given), Line is 0 when the problem is
// not on one line, and Key is the dotted key with a list element's index
// in brackets ("standard[3].value").
type Error = fileerr.Error

// Errors is every problem found in a rules file at once, sorted by line
// (problems not on a line come last). Parse and Load return it as their
// error; take it apart with errors.As.
type Errors = fileerr.Errors

// ErrInvalidHousehold is what every HouseholdError is (errors.Is).
var ErrInvalidHousehold = errors.New("invalid household")

// ErrUnknownItem says an item code is not in the rules.
var ErrUnknownItem = errors.New("item not in the rules")

// HouseholdError says why a household cannot be pre-checked: the platform
// sent data that breaks its contract (no members, an applicant who is not
// a member, a negative or absurd amount, a birth date that is not a date).
// It never carries a name or an ID number.
type HouseholdError struct {
	// Field is the JSON path of the offending value
	// ("members[2].incomes[0].monthlyFen").
	Field string
	// Msg says what is wrong with it.
	Msg string
}

// Error formats e as "invalid household: FIELD: MSG".
func (e *HouseholdError) Error() string {
	if e.Field == "" {
		return "invalid household: " + e.Msg
	}
	return "invalid household: " + e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInvalidHousehold) true.
func (e *HouseholdError) Is(target error) bool { return target == ErrInvalidHousehold }

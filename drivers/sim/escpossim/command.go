package escpossim

import "fmt"

// Command is one entry of the interpreter's log: a command, a run of
// text, or bytes it skipped.
type Command struct {
	// Offset is the stream offset of the command's first byte.
	Offset int64
	// Name names it the way manuals do: "ESC @", "GS v 0", "GS ( k fn 180",
	// "DLE EOT 4", "text", "NUL".
	Name string
	// Len is how many bytes it took (all of a coalesced run).
	Len int
	// Bytes are its first bytes (at most 24).
	Bytes []byte
	// Problem says why it was not carried out as written: "unknown",
	// "truncated", "ignored: …"; empty when it was.
	Problem string
}

// String shows the command for test failures and logs.
func (c Command) String() string {
	s := fmt.Sprintf("@%d %s (%d bytes)", c.Offset, c.Name, c.Len)
	if c.Problem != "" {
		s += ": " + c.Problem
	}
	return s
}

// maxLogBytes is how many bytes of a command its log entry keeps.
const maxLogBytes = 24

// coalesced names log entries that merge with an adjacent one of the
// same name.
func coalesced(name string) bool {
	switch name {
	case "text", "NUL", "skip", "CR", "control":
		return true
	}
	return false
}

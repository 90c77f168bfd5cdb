package precheck

import (
	_ "embed"
	"slices"
)

//go:embed tengzhou.toml
var defaultFile []byte

// DefaultFile returns the text of the embedded default rules file (滕州市,
// 370481, with sample values marked): a template for a deployment's own
// file.
func DefaultFile() []byte { return slices.Clone(defaultFile) }

// Default returns the embedded default rules. It panics if the embedded
// file is broken, which the package's tests rule out.
func Default() *Rules {
	r, err := Parse(defaultFile, "")
	if err != nil {
		panic("precheck: the embedded rules are broken: " + err.Error())
	}
	return r
}

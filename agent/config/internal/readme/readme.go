// Package readme puts the generated configuration table into README.md,
// between the lines
//
//	<!-- config-table:begin -->
//	<!-- config-table:end -->
package readme

import (
	"bytes"
	"errors"
)

// The markers around the table in README.md.
const (
	Begin = "<!-- config-table:begin -->"
	End   = "<!-- config-table:end -->"
)

// Splice returns doc with what lies between its markers replaced by table.
// It leaves the rest of doc as it is.
func Splice(doc []byte, table string) ([]byte, error) {
	begin := bytes.Index(doc, []byte(Begin+"\n"))
	end := bytes.Index(doc, []byte(End))
	if begin < 0 || end < 0 || bytes.Count(doc, []byte(Begin)) != 1 || bytes.Count(doc, []byte(End)) != 1 {
		return nil, errors.New("README.md needs each of the lines " + Begin + " and " + End + " once")
	}
	begin += len(Begin) + 1
	if end < begin {
		return nil, errors.New("README.md has " + End + " before " + Begin)
	}
	var out bytes.Buffer
	out.Write(doc[:begin])
	out.WriteString(table)
	out.Write(doc[end:])
	return out.Bytes(), nil
}

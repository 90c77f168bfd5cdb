package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Names of the files in the log's directory.
const (
	currentName = "audit.jsonl"
	headName    = "audit.head"
	lockName    = "audit.lock"
	tornPrefix  = "audit.torn-"
)

// stampLayout is the UTC time in the names of rotated and torn files.
const stampLayout = "20060102T150405Z"

var rotatedRE = regexp.MustCompile(`^audit-([0-9]{8}T[0-9]{6}Z)-([1-9][0-9]{0,18})\.jsonl$`)

// rotatedName is the name a file gets when it is rotated at t; firstSeq is
// the seq of its first record.
func rotatedName(t time.Time, firstSeq int64) string {
	return fmt.Sprintf("audit-%s-%d.jsonl", t.UTC().Format(stampLayout), firstSeq)
}

// rotatedFile is a rotated file found in the directory.
type rotatedFile struct {
	name     string
	firstSeq int64
}

// listRotated returns the rotated files of dir in chain order: by the seq
// in their names (times may go backwards when a kiosk's clock is set).
func listRotated(dir string) ([]rotatedFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("audit: list %s: %w", dir, err)
	}
	var out []rotatedFile
	for _, e := range ents {
		m := rotatedRE.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		seq, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, rotatedFile{name: e.Name(), firstSeq: seq})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].firstSeq < out[j].firstSeq })
	return out, nil
}

// freeName returns dir/prefix+stamp, or with "-2", "-3"… appended when that
// exists.
func freeName(dir, prefix string, t time.Time) string {
	base := prefix + t.UTC().Format(stampLayout)
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			return name // free, or unusable: creating it will say why
		}
		name = base + "-" + strconv.Itoa(i)
	}
}

// joinNames and splitNames write and read the file list of
// detail.removed; file names never hold a comma.
func joinNames(names []string) string { return strings.Join(names, ",") }

func splitNames(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

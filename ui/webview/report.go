package webview

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Report is what the window writes to Options.Report at every heartbeat:
// what it shows and what it has refused, for tests and diagnosis.
type Report struct {
	Seq   int       `json:"seq"`
	Time  time.Time `json:"time"`
	Start int       `json:"start"` // the supervisor's count of window processes
	URL   string    `json:"url"`   // the agent's page
	Page  Page      `json:"page"`
	Href  string    `json:"href"` // the page's location at the last heartbeat
	Title string    `json:"title"`
	Probe *Probe    `json:"probe"`
	// Zoom is WebKit's zoom level (1 unless the lock failed).
	Zoom float64 `json:"zoom"`
	// WebProcessRestarts counts the web processes that ended.
	WebProcessRestarts int `json:"webProcessRestarts"`
	// Blocked counts what the native lock refused, by kind
	// ("navigation", "newWindow", "contextMenu", "zoom", "key", "pinch",
	// "dialog", "download", "permission" ...).
	Blocked map[string]int `json:"blocked"`
	// Refused counts the events the locking script refused in the page
	// shown now, by type.
	Refused map[string]int `json:"refused"`
}

// WriteReport writes r to path as JSON, atomically (a reader never sees a
// half-written file).
func WriteReport(path string, r Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// ReadReport reads a report WriteReport wrote.
func ReadReport(path string) (Report, error) {
	var r Report
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	return r, err
}

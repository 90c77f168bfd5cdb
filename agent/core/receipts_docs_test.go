package core_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiosk-agent/kiosk-agent/protocol"
)

// TestReceiptPreviews renders the application receipt on 80 and 58 mm
// through printer.preview and keeps the PNGs in artifacts/ (docs/ holds
// copies), for people to look at.
func TestReceiptPreviews(t *testing.T) {
	addr, _ := startAgent(t, simConfig(t))
	validate := schemas(t)
	c := dial(t, addr, nil)
	for _, width := range []int{80, 58} {
		r := applicationReceipt()
		r.Width = width
		var pv protocol.PreviewResult
		json.Unmarshal(result(t, validate, c.call("printer.preview", map[string]any{"receipt": r}), "previewResult"), &pv)
		if len(pv.Missing) > 0 {
			t.Errorf("%d mm: characters no font has: %v", width, pv.Missing)
		}
		dir := filepath.Join("..", "..", "artifacts")
		os.MkdirAll(dir, 0o755)
		name := filepath.Join(dir, "receipt-"+map[int]string{80: "80mm", 58: "58mm"}[width]+".png")
		if err := os.WriteFile(name, pv.PNG, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d×%d", name, pv.Width, pv.Height)
	}
}

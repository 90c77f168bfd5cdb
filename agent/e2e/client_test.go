package e2e

import (
	"os"
	"testing"
)

// TestClientModule runs testdata/client_checks.js in the browser, on the
// agent's origin: the JavaScript client against the real agent (calls,
// error reasons, events, time-outs, a lost connection, reconnecting,
// close) and maskIdNumber.
func TestClientModule(t *testing.T) {
	checks, err := os.ReadFile("testdata/client_checks.js")
	if err != nil {
		t.Fatal(err)
	}
	k := newKiosk(t, 800, 600)
	// Any page of the agent gives the origin; this one runs no script.
	k.open("/protocol/kiosk-client.js")
	for _, f := range eval[[]string](k, string(checks)) {
		t.Error(f)
	}
	// The checks provoke failed connections and a failing handler, which
	// the console reports as errors; only uncaught exceptions count here.
	k.consMu.Lock()
	defer k.consMu.Unlock()
	for _, m := range k.cons {
		if m.IsException() {
			t.Errorf("uncaught exception: %s (%s:%d)", m.Text, m.URL, m.Line+1)
		}
	}
}

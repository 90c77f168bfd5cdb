package health

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsExposition(t *testing.T) {
	h := NewRegistry(nil)
	h.Set("idcard0", "disconnected", Error, "unplugged")
	m := NewMetrics(h)
	m.Read("", 120*time.Millisecond)
	m.Read("NO_CARD", time.Millisecond)
	m.Clients(3)
	m.Rejected("origin")
	m.EventDropped()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`kiosk_idcard_reads_total{reason="",result="ok"} 1`,
		`kiosk_idcard_reads_total{reason="NO_CARD",result="error"} 1`,
		`kiosk_idcard_read_seconds_count 2`,
		`kiosk_clients 3`,
		`kiosk_rejections_total{rule="origin"} 1`,
		`kiosk_events_dropped_total 1`,
		`kiosk_health_ok{code="disconnected",component="idcard0",severity="error"} 0`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

package health

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the agent's Prometheus metrics, on a registry of their own
// (no global state): card reads by result and reason with their latency,
// clients, dropped events, refusals by rule, and every health check as a
// gauge, plus the Go runtime's and the process's own.
type Metrics struct {
	reg      *prometheus.Registry
	reads    *prometheus.CounterVec
	latency  prometheus.Histogram
	clients  prometheus.Gauge
	dropped  prometheus.Counter
	rejected *prometheus.CounterVec
}

// NewMetrics returns the metrics, with h's checks exported as
// kiosk_health_ok{component,code} (1 ok, 0 warning or error).
func NewMetrics(h *Registry) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		reads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kiosk_idcard_reads_total", Help: "idcard.read calls answered, by result (ok, error) and reason.",
		}, []string{"result", "reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kiosk_idcard_read_seconds", Help: "Time from an idcard.read call to its answer.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}),
		clients: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kiosk_clients", Help: "WebSocket clients connected."}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kiosk_events_dropped_total", Help: "Events not delivered because a client was not reading (it is then disconnected).",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kiosk_rejections_total", Help: "Requests, calls and connections refused, by rule: host, origin, token, unauthorized, rate, in_flight, size, clients, flood.",
		}, []string{"rule"}),
	}
	m.reg.MustRegister(m.reads, m.latency, m.clients, m.dropped, m.rejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), checkCollector{h})
	return m
}

// Read counts one idcard.read answer: reason "" for a card.
func (m *Metrics) Read(reason string, d time.Duration) {
	result := "ok"
	if reason != "" {
		result = "error"
	}
	m.reads.WithLabelValues(result, reason).Inc()
	m.latency.Observe(d.Seconds())
}

// Clients records how many clients are connected.
func (m *Metrics) Clients(n int) { m.clients.Set(float64(n)) }

// Rejected counts one refusal by rule.
func (m *Metrics) Rejected(rule string) { m.rejected.WithLabelValues(rule).Inc() }

// EventDropped counts one event not delivered.
func (m *Metrics) EventDropped() { m.dropped.Inc() }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// checkCollector exports health checks as gauges when scraped.
type checkCollector struct{ h *Registry }

var checkDesc = prometheus.NewDesc("kiosk_health_ok", "1 when the component's health check is ok, 0 otherwise; code is the check's code.", []string{"component", "code", "severity"}, nil)

func (c checkCollector) Describe(ch chan<- *prometheus.Desc) { ch <- checkDesc }

func (c checkCollector) Collect(ch chan<- prometheus.Metric) {
	for _, k := range c.h.Checks() {
		v := 0.0
		if k.Severity == OK {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(checkDesc, prometheus.GaugeValue, v, k.Component, k.Code, string(k.Severity))
	}
}

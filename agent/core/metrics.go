package core

import (
	"bytes"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// joinMetrics serves the metrics of inner (the health package's) followed
// by those of more, in the Prometheus text format. Their names do not
// overlap; each is gathered the way promhttp gathers it.
func joinMetrics(inner http.Handler, more *prometheus.Registry) http.Handler {
	extra := promhttp.HandlerFor(more, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Plain text from both, so that the two can be joined.
		req := r.Clone(r.Context())
		req.Header.Del("Accept-Encoding")
		req.Header.Del("Accept")
		a, b := newBuffered(), newBuffered()
		inner.ServeHTTP(a, req)
		if a.status != http.StatusOK {
			a.copyTo(w)
			return
		}
		extra.ServeHTTP(b, req)
		if b.status == http.StatusOK {
			a.body.Write(b.body.Bytes())
		}
		a.copyTo(w)
	})
}

// buffered is a ResponseWriter that keeps the response.
type buffered struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBuffered() *buffered { return &buffered{header: http.Header{}, status: http.StatusOK} }

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *buffered) WriteHeader(code int)        { b.status = code }

func (b *buffered) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}

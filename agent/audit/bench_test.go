package audit

import "testing"

// BenchmarkAppend measures Append with its fsyncs (the record's and
// audit.head's) into a temporary directory, and reports records/s.
func BenchmarkAppend(b *testing.B) {
	l := openLog(b, b.TempDir(), Options{})
	r := sample(1)
	b.ResetTimer()
	for b.Loop() {
		if err := l.Append(r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

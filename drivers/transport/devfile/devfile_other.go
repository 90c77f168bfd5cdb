//go:build !linux

package devfile

import "fmt"

// Port is an open device node (Linux only).
type Port struct{}

// Open reports ErrUnsupported on this system.
func Open(path string, cfg Config) (*Port, error) {
	return nil, fmt.Errorf("open %s: %w", path, ErrUnsupported)
}

// Read is never reached.
func (p *Port) Read([]byte) (int, error) { return 0, ErrUnsupported }

// Write is never reached.
func (p *Port) Write([]byte) (int, error) { return 0, ErrUnsupported }

// Close is never reached.
func (p *Port) Close() error { return nil }

// Status is never reached.
func (p *Port) Status() (LineStatus, error) { return LineStatus{}, ErrUnsupported }

//go:build !linux

// Package functionfs is a minimal user-space USB function on Linux's
// FunctionFS; it exists only on Linux.
package functionfs

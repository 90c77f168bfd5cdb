//go:build !linux

// Package gadgetfs is a minimal user-space USB device on Linux's gadgetfs;
// it exists only on Linux.
package gadgetfs

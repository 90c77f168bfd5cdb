//go:build linux

package main

import (
	"errors"

	"github.com/kiosk-agent/kiosk-agent/test/usbvm"
)

func startPad(*usbvm.Recorder) (func(), error) { return nil, errors.New("not yet") }

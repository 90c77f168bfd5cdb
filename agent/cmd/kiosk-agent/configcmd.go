package main

import (
	"fmt"
	"io"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
)

// configCommand is "kiosk-agent config check FILE" and "config example".
func configCommand(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 2 && args[0] == "check":
		if err := config.Check(args[1], stdout); err != nil {
			return 1
		}
		return 0
	case len(args) == 1 && args[0] == "example":
		stdout.Write(config.Example())
		return 0
	}
	fmt.Fprintln(stderr, "usage: kiosk-agent config check FILE | kiosk-agent config example")
	return 2
}

package discover

import (
	"strings"

	"go.bug.st/serial/enumerator"

	"github.com/kiosk-agent/kiosk-agent/drivers/transport"
	"github.com/kiosk-agent/kiosk-agent/drivers/transport/serialport"
)

// SerialPorts lists the machine's serial ports with their USB IDs.
func SerialPorts() ([]Candidate, error) {
	ports, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, 0, len(ports))
	for _, p := range ports {
		out = append(out, Candidate{Path: p.Name, USB: p.IsUSB, VID: strings.ToUpper(p.VID), PID: strings.ToUpper(p.PID), Product: p.Product})
	}
	return out, nil
}

// OpenSerial opens a serial port at baud, 8N1.
func OpenSerial(path string, baud int) (transport.Port, error) {
	return serialport.Open(path, serialport.Config{Baud: baud})
}

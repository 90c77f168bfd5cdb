// Package usbvm holds what the real-USB testbed shares between the gadget
// programs (the device side, running our simulators as USB devices inside
// a throw-away QEMU VM) and the host-side checks: the control channel the
// checks use to steer a gadget (place a card, unplug, take the paper out),
// and the format in which gadgets record the USB traffic they exchanged.
//
// The VM itself is built and booted by cmd/usbvm, started by .ci/usb-vm;
// see ../../README.md, "Real USB tests", and
// ../shared/specs/usb-testbed.md for the measured recipe.
//
//	cmd/usbgadget  the gadgets: reader (gadgetfs, idcardsim), printer
//	               (usb_f_printer, escpossim), pad (FunctionFS HID, stusim)
//	cmd/usbcheck   the checks, through the agent's own packages (libusb
//	               build), hidraw, /dev/usb/lp and the agent binary
//	cmd/usbvm      builds the initramfs, boots the VM, prints the verdict
//	gadgetfs       a minimal gadgetfs device (the reader's exact endpoints)
//	functionfs     a minimal FunctionFS function (the pad's HID interface)
package usbvm

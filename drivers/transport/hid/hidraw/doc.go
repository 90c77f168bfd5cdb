// Package hidraw reaches HID devices through Linux's hidraw nodes
// (/dev/hidrawN), in pure Go over golang.org/x/sys/unix: input reports by
// read(2), feature reports by the HIDIOCGFEATURE and HIDIOCSFEATURE
// ioctls, the device's IDs by HIDIOCGRAWINFO. A *Device implements
// hid.Device.
//
// The node is opened non-blocking and registered with the Go runtime's
// poller, so a ReadInput that waits for the pen costs a parked goroutine,
// not an OS thread, and its timeout is a poller deadline. Feature reports
// are synchronous USB control transfers in the kernel; each ioctl holds a
// thread for the transfer's duration (about a millisecond).
//
// Errors are classified: a device that is gone (ENODEV, EIO, ESHUTDOWN,
// end of file) matches transport.ErrDisconnected; a node that does not
// exist (ENOENT, ENXIO) transport.ErrNotFound; one the user may not open
// (EACCES, EPERM: the udev rule is missing) transport.ErrPermission;
// one another kiosk-agent holds (the advisory lock Open takes)
// transport.ErrBusy; a Device closed by its owner transport.ErrClosed. The
// errno stays reachable with errors.Is.
//
// List walks /sys/class/hidraw and reads each node's HID_ID, HID_NAME and
// HID_UNIQ from its uevent file; it opens nothing.
//
// Elsewhere than Linux, Open and List return ErrUnsupported.
//
// # What only real hardware can test
//
// This machine's kernel has no USB and so no hidraw node. The tests run
// the ioctl numbers against the kernel header's values and x/sys's
// constants, the uevent parser and the listing against a fake sysfs tree,
// and the read, deadline, close and unplug paths against a pseudo-terminal
// standing in for the node. Not tested: the feature-report ioctls on a
// real device (the report ID byte in and out, short replies), what a
// given kernel returns on unplug during a control transfer, and the udev
// rule.
package hidraw

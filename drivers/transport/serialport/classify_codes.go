package serialport

// The numeric error codes of both families of operating system, as plain
// numbers so that the mapping of each is table-tested on any machine
// (errors_unix.go and errors_windows.go only pick the family; tests built
// for each check these numbers against its syscall package).

// Unix errno values. These come from 7th Edition Unix and are the same on
// every GOOS the unix build constraint covers (Linux on every architecture,
// the BSDs, Darwin, Solaris, AIX).
const (
	unixEPERM  = 1  // operation not permitted
	unixENOENT = 2  // no such file or directory
	unixEIO    = 5  // input/output error
	unixENXIO  = 6  // no such device or address
	unixEBADF  = 9  // bad file descriptor
	unixEACCES = 13 // permission denied
	unixEBUSY  = 16 // device or resource busy
	unixENODEV = 19 // no such device
)

// classifyUnixErrno says what a unix errno means for a serial port.
func classifyUnixErrno(n uintptr) Kind {
	switch n {
	case unixENOENT:
		// The device node is gone: udev removed /dev/ttyUSB0 after an
		// unplug, or a pseudo-terminal's master was closed.
		return KindNotFound
	case unixEIO, unixENXIO, unixENODEV, unixEBADF:
		// What a tty whose hardware went away answers: EIO on read and
		// write (a hung-up tty or pty), ENXIO or ENODEV when a stale node
		// is opened, EBADF once the driver has let go of the descriptor.
		return KindDisconnected
	case unixEACCES, unixEPERM:
		// Not in the dialout/uucp group, or a udev rule is missing.
		return KindPermission
	case unixEBUSY:
		// Held exclusively (TIOCEXCL) by another program.
		return KindBusy
	}
	return KindOther
}

// Windows system error codes (winerror.h; Microsoft's "System Error Codes
// (0-499)", "(500-999)", "(1000-1299)" and "(1500-1699)" lists).
const (
	winFileNotFound       = 2    // ERROR_FILE_NOT_FOUND: the system cannot find the file specified
	winPathNotFound       = 3    // ERROR_PATH_NOT_FOUND: the system cannot find the path specified
	winAccessDenied       = 5    // ERROR_ACCESS_DENIED: access is denied
	winInvalidHandle      = 6    // ERROR_INVALID_HANDLE: the handle is invalid
	winNotReady           = 21   // ERROR_NOT_READY: the device is not ready
	winBadCommand         = 22   // ERROR_BAD_COMMAND: the device does not recognize the command
	winGenFailure         = 31   // ERROR_GEN_FAILURE: a device attached to the system is not functioning
	winSharingViolation   = 32   // ERROR_SHARING_VIOLATION: the file is being used by another process
	winOperationAborted   = 995  // ERROR_OPERATION_ABORTED: the I/O operation has been aborted
	winDeviceNotConnected = 1167 // ERROR_DEVICE_NOT_CONNECTED: the device is not connected
	winDeviceRemoved      = 1617 // ERROR_DEVICE_REMOVED: the device has been removed
)

// classifyWindowsCode says what a Windows system error code means for a
// serial port; opening tells an error of CreateFile from one of I/O on a
// handle already open.
func classifyWindowsCode(n uint32, opening bool) Kind {
	switch n {
	case winFileNotFound, winPathNotFound:
		// No such COM port (go.bug.st/serial turns 2 into PortNotFound
		// itself; 3 comes for a malformed or vanished device path).
		return KindNotFound
	case winAccessDenied:
		if opening {
			// COM ports are opened exclusively: CreateFile on a port
			// another program holds fails with access denied (and
			// go.bug.st/serial reports it as PortBusy).
			return KindBusy
		}
		// On a handle we already hold, nobody else can have taken the
		// port; I/O on a device being removed fails this way
		// (STATUS_DELETE_PENDING becomes ERROR_ACCESS_DENIED).
		return KindDisconnected
	case winSharingViolation:
		// Another program has the port open.
		return KindBusy
	case winGenFailure, winBadCommand, winNotReady:
		// What USB-serial drivers (CH340, PL2303, FTDI, usbser.sys) make
		// of I/O on an adapter that was pulled out.
		return KindDisconnected
	case winDeviceNotConnected, winDeviceRemoved:
		// Said outright.
		return KindDisconnected
	case winOperationAborted:
		// Pending I/O cancelled by the driver when the device left (our
		// own Close cancels it too, but Port reports ErrClosed then
		// before classifying).
		return KindDisconnected
	case winInvalidHandle:
		// The driver invalidated the handle of a removed device (our own
		// Close, again, is ErrClosed before this).
		return KindDisconnected
	}
	return KindOther
}

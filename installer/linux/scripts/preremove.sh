#!/bin/sh
# kiosk-agent preremove (deb prerm, rpm %preun).
#   deb: remove | upgrade NEW-VERSION | deconfigure | failed-upgrade
#   rpm: 0 when the package is erased, 1 or more on an upgrade
# Stops the service when the package goes; an upgrade restarts it in
# postinstall instead, so it is down only for the restart.
set -e
unit=kiosk-agent.service
case "$1" in
remove | 0) ;;
*) exit 0 ;;
esac
if [ -d /run/systemd/system ]; then
	if command -v deb-systemd-invoke >/dev/null; then
		deb-systemd-invoke stop "$unit" >/dev/null || true
	else
		systemctl stop "$unit" >/dev/null 2>&1 || true
	fi
fi
if [ "$1" = 0 ] && command -v systemctl >/dev/null; then
	# RPM has no purge: disable now.
	systemctl --no-reload disable "$unit" >/dev/null 2>&1 || true
fi
exit 0

#!/bin/sh
# kiosk-agent postremove (deb postrm, rpm %postun).
#   deb: remove | purge | upgrade NEW-VERSION | failed-upgrade | abort-*
#   rpm: 0 when the package is erased, 1 or more on an upgrade
# "remove" keeps the configuration, the state (pairings, evidence key,
# outbox, audit log) and the logs; only "purge" deletes them (deb). RPM
# has no purge, so an erased rpm leaves them: delete /var/lib/kiosk-agent
# and /var/log/kiosk-agent by hand if they are to go. The kiosk-agent user
# stays (files elsewhere may still be owned by it).
set -e
unit=kiosk-agent.service
case "$1" in
remove | purge | 0) ;;
*) exit 0 ;;
esac

if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if command -v udevadm >/dev/null && [ -S /run/udev/control ]; then
	udevadm control --reload-rules || true
fi

if command -v deb-systemd-helper >/dev/null; then
	if [ "$1" = remove ]; then
		deb-systemd-helper mask "$unit" >/dev/null || true
	fi
	if [ "$1" = purge ]; then
		deb-systemd-helper purge "$unit" >/dev/null || true
		deb-systemd-helper unmask "$unit" >/dev/null || true
	fi
fi

if [ "$1" = purge ]; then
	rm -rf /var/lib/kiosk-agent /var/log/kiosk-agent
	rmdir /etc/kiosk-agent 2>/dev/null || true
fi
exit 0

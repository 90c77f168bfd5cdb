#!/bin/sh
# kiosk-agent preinstall (deb preinst, rpm %pre): the service's system user
# and its group exist before the files that name them are unpacked. A user
# that exists already is left as it is.
set -e
name=kiosk-agent
if ! getent group "$name" >/dev/null; then
	groupadd --system "$name"
fi
if ! getent passwd "$name" >/dev/null; then
	shell=/usr/sbin/nologin
	[ -x "$shell" ] || shell=/sbin/nologin
	[ -x "$shell" ] || shell=/bin/false
	useradd --system --gid "$name" --no-create-home --home-dir /var/lib/kiosk-agent \
		--shell "$shell" --comment "Kiosk Agent service" "$name"
fi
exit 0

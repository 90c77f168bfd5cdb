// Package e2e holds the browser end-to-end tests of the kiosk page. They
// start the agent in-process with a simulated ID card reader, drive the real
// page in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) with
// chromedp, place and remove sample cards over a separate WebSocket, and
// check what a person at the kiosk would see: the prompts, the card with a
// masked ID number, no full ID number anywhere in the page, no clipped or
// too small text, and fonts that have CJK glyphs.
//
// The tests save screenshots (ui-waiting.png, ui-card.png, ...) to
// $KIOSK_ARTIFACTS, or to artifacts/ at the root of the repository.
//
// The tests need Chromium; without it they fail and name the package to
// install (apt-get install -y --no-install-recommends chromium). Run them
// with:
//
//	go test -count=1 -v ./agent/e2e/
//
// The package has no non-test code.
package e2e

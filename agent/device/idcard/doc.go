// Package idcard runs one ID card reader for the agent, under the device
// supervisor (package device): it opens the reader again after an unplug,
// watches for cards, tells the agent when a card arrives or leaves, and
// answers read requests. One goroutine owns an open reader, so commands
// never interleave.
//
// The jobs are split by file: service.go (the service and its requests'
// entry point), opener.go (finding and opening the port), session.go (one
// open reader: the poll loop), cards.go (reading a newly placed card and
// when to ask for it to be placed again), presence.go (whether the card
// read last is still there), requests.go (the request queue: waiting,
// coalescing, answering) and fingerprints.go (when fingerprints are read).
//
// Card presence follows the real reader life cycle: after a good read, find
// answers "no card" until the card has left, so the session checks that the
// card is still there with the cheap 30 03 probe (or a re-read, learnt per
// reader) and only then looks for a new card. A card left on the reader is
// not read again, and a card is always re-checked before it is handed out.
package idcard

// Package pairing keeps the pairings of the agent: the web origins (a
// clerk's government web system) and native programs that an administrator
// has allowed to use the API.
//
// An administrator pairs a web origin once:
//
//	kiosk-agent pair add --origin https://zwfw.example.gov.cn --fields name,idNumberMasked
//
// which prints a token ("kat_" and 43 base64url characters) that the page
// presents in agent.hello {"token"}. A native program, which sends no
// Origin, pairs by name instead (--native --name counter-app). The token is
// shown once: the file keeps only its SHA-256.
//
// The pairings live in one JSON file (owner-only, 0600), rewritten
// atomically (temporary file, fsync, rename) under a cross-process lock on
// a side file (pairings.lock beside pairings.json), so the running agent
// and the CLI can both change it. A Store notices another process's change
// at its next Check or List (one stat: size, time and identity of the file)
// or, for an agent that must drop the connections of a removed pairing at
// once, through Watch and Changed: Changed returns a channel that is closed
// at the next change; the agent then checks each connection's origin and
// token again with Check and closes those that fail.
package pairing

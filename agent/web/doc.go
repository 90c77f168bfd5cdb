// Package web is the agent's HTTP face: its routes, the rules that decide
// who may reach them, and the headers every response carries.
//
// # The rules
//
//   - Host: every request must name the agent itself — localhost or an IP
//     address, with the agent's port. A page on another domain that
//     resolves to 127.0.0.1 (DNS rebinding) sends its own name and is
//     refused with 403 before anything else happens.
//   - Origin, at the WebSocket upgrade: the agent's own pages (same origin)
//     are admitted and authorized at once; an origin an administrator has
//     paired ("kiosk-agent pair add") is admitted but must present its
//     token in agent.hello before it may call anything or receive events;
//     every other origin gets 403. No pop-ups, ever: a kiosk cannot show
//     them and a clerk should not have to answer them.
//   - Native clients (no Origin header) present a token too, unless the
//     configuration allows them (security.allowNative; implied by
//     --simulate).
//   - Each admitted client carries an Access: how it was admitted and
//     which card fields it may see (a paired page gets only its fields).
//   - Security headers on every response: a Content-Security-Policy with
//     frame-ancestors 'none', X-Content-Type-Options nosniff, no referrer.
package web

//go:build race

package evidence

// raceEnabled: the race detector makes the damage test ten times slower,
// so it tries fewer changes per byte.
const raceEnabled = true

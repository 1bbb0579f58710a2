//go:build !race

package bot_test

// raceEnabled reports a build with the race detector, which slows the
// bot down too much for latency bounds to mean anything.
const raceEnabled = false

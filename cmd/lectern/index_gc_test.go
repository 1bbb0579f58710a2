package main

import (
	"runtime/debug"
	"testing"
)

func TestIndexGC(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want int // GOGC while indexing, as a change from before
	}{
		{name: "GOGC unset", env: map[string]string{}, want: indexGCPercent},
		{name: "GOGC set", env: map[string]string{"GOGC": "150"}, want: 137},
		{name: "GOGC off", env: map[string]string{"GOGC": "off"}, want: 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(137))
			restore := indexGC(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if got := debug.SetGCPercent(-1); got != tc.want {
				t.Errorf("GOGC while indexing = %d; want %d", got, tc.want)
			}
			debug.SetGCPercent(tc.want)
			restore()
			if got := debug.SetGCPercent(137); got != 137 {
				t.Errorf("GOGC after indexing = %d; want it put back to 137", got)
			}
		})
	}
}

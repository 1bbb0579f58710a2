package bot

import (
	"reflect"
	"strings"
	"testing"
)

func TestCustomIDRoundTrip(t *testing.T) {
	long := strings.Repeat("why ", 40)
	tests := []struct {
		in   interface{ String() string }
		want any
	}{
		{moreID{Offset: 1, FP: testFP, Question: "Where was Stalin buried?"}, moreID{Offset: 1, FP: testFP, Question: "Where was Stalin buried?"}},
		{moreID{Offset: 3, FP: testFP, Question: "a:b:c"}, moreID{Offset: 3, FP: testFP, Question: "a:b:c"}},
		{moreID{Offset: 2, FP: testFP, Question: long}, moreID{Offset: 2, FP: testFP}},
		{contextID{Sentence: 22, FP: testFP}, contextID{Sentence: 22, FP: testFP}},
		{feedbackID{Up: true, Sentence: 5, FP: testFP}, feedbackID{Up: true, Sentence: 5, FP: testFP}},
		{feedbackID{Up: false, Sentence: 0, FP: testFP}, feedbackID{Up: false, Sentence: 0, FP: testFP}},
		{topicsID{Page: 3, FP: testFP}, topicsID{Page: 3, FP: testFP}},
		{sourceID{Page: 2, FP: testFP}, sourceID{Page: 2, FP: testFP}},
		{topicsID{Page: 3}, topicsID{Page: 3}}, // made before pages carried FP
		{sourceID{Page: 2}, sourceID{Page: 2}},
	}
	for _, tt := range tests {
		id := tt.in.String()
		if len(id) > maxCustomID {
			t.Errorf("%#v.String() has %d characters; Discord allows %d", tt.in, len(id), maxCustomID)
		}
		got, err := parseID(id)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseID(%q) = %#v, %v; want %#v", id, got, err, tt.want)
		}
	}
}

func TestParseIDRejects(t *testing.T) {
	for _, id := range []string{
		"", "lc1:", "lc1:x:1", "lc2:c:1:0123abcd", "lc1:c:1", "lc1:c:-1:0123abcd",
		"lc1:c:1:0123ABCD", "lc1:c:1:0123abcd:extra", "lc1:m:1:0123abcd:", "lc1:m:x:0123abcd:q",
		"lc1:f:x:1:0123abcd", "lc1:t:", "lc1:t:1234567890", "lc1:c:99999999999:0123abcd",
		"lc1:M:1:0123abc", strings.Repeat("a", 101), "lc1:c:1:0123abc\xff", "lc1:s:", "lc1:s:x",
		"lc1:t:1:", "lc1:t:1:0123ABCD", "lc1:s:1:0123abcd:2", "lc1:t::0123abcd",
	} {
		if got, err := parseID(id); err == nil {
			t.Errorf("parseID(%q) = %#v; want an error", id, got)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"lc1:m:1:0123abcd:question", "lc1:M:2:0123abcd", "lc1:c:22:0123abcd", "lc1:f:u:3:0123abcd", "lc1:t:0", "lc1:s:1", "lc1:t:0:0123abcd", "lc1:s:1:0123abcd", "lc1:", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		v, err := parseID(id)
		if err != nil {
			return
		}
		// Whatever parses must print back to an ID that parses the same.
		s, ok := v.(interface{ String() string })
		if !ok {
			t.Fatalf("parseID(%q) = %T without String", id, v)
		}
		again, err := parseID(s.String())
		if err != nil {
			t.Fatalf("parseID(%q) = %#v, whose ID %q does not parse: %v", id, v, s.String(), err)
		}
		if m, ok := v.(moreID); ok && m.Question != "" && strings.Join(strings.Fields(m.Question), " ") != m.Question {
			return // questions are normalised to one line when printed
		}
		if !reflect.DeepEqual(v, again) {
			t.Fatalf("parseID(%q) = %#v; its ID %q parses as %#v", id, v, s.String(), again)
		}
	})
}

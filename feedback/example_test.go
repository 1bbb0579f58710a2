package feedback_test

import (
	"fmt"
	"strings"

	"lectern/feedback"
)

func ExampleSummarize() {
	file := `{"time":"2025-03-01T09:15:00Z","type":"vote","vote":"down","question":"Where was Stalin buried?","text":"He was buried by the Kremlin wall."}
{"time":"2025-03-01T10:00:00Z","type":"vote","vote":"down","question":"where was stalin buried"}
{"time":"2025-03-02T08:00:00Z","type":"not_found","question":"What is the capital of France?"}
{"time":"2025-03-02T09:00:00Z","type":"vote","vote":"up","question":"Who spoke?"}
`
	s, err := feedback.Summarize(strings.NewReader(file), 5)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d up, %d down\n", s.Up, s.Down)
	for _, q := range s.VotedDown {
		fmt.Printf("voted down %d times: %s\n", q.Count, q.Question)
	}
	for _, q := range s.NotFound {
		fmt.Printf("not found %d time: %s\n", q.Count, q.Question)
	}
	// Output:
	// 1 up, 2 down
	// voted down 2 times: where was stalin buried
	// not found 1 time: What is the capital of France?
}

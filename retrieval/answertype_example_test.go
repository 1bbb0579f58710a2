package retrieval_test

import (
	"fmt"

	"lectern/retrieval"
)

func ExampleKindOf() {
	for _, q := range []string{
		"When did Stalin die?",
		"from what year was Khrushchev the leader",
		"How many prisoners returned?",
		"Where was Stalin buried?",
		"Patients who smoke have more strokes.",
	} {
		fmt.Printf("%q: %v\n", q, retrieval.KindOf(q))
	}
	// Output:
	// "When did Stalin die?": when
	// "from what year was Khrushchev the leader": when
	// "How many prisoners returned?": how many
	// "Where was Stalin buried?": where
	// "Patients who smoke have more strokes.": any
}

func ExampleFits() {
	question := map[string]bool{"when": true, "was": true, "the": true, "speech": true, "published": true}
	for _, s := range []string{
		"It was not published in the USSR until 1990.",
		"It was published in the Soviet press at the time.",
	} {
		fmt.Println(retrieval.Fits(retrieval.WhenKind, s, question), s)
	}
	// Output:
	// true It was not published in the USSR until 1990.
	// false It was published in the Soviet press at the time.
}

package corpus_test

import (
	"fmt"

	"lectern/corpus"
)

func ExampleSplitSentences() {
	text := "J. V. Stalin died in 1953. Dr. Zhivago appeared abroad, e.g. in Italy; " +
		"it sold well... Was the thaw real? Some say “no.” (See p. 388.) The end"
	for _, s := range corpus.SplitSentences(text) {
		fmt.Printf("%d-%d %s\n", s.Start, s.End, text[s.Start:s.End])
	}
	// Output:
	// 0-26 J. V. Stalin died in 1953.
	// 27-86 Dr. Zhivago appeared abroad, e.g. in Italy; it sold well...
	// 87-105 Was the thaw real?
	// 106-124 Some say “no.”
	// 125-138 (See p. 388.)
	// 139-146 The end
}

func ExampleDefault() {
	c := corpus.Default()
	fmt.Println(c.Len(), "sentences")
	fmt.Println(c.Text(0))
	fmt.Println(c.Citation(0))
	s := c.Sentence(2)
	fmt.Println(s.Text)
	fmt.Printf("%q\n", corpus.DefaultText()[s.Source.Start:s.Source.End])
	// Output:
	// 34 sentences
	// The first element is official pronouncements.
	// De-Stalinization — Encyclopedia of Russian History, p. 388
	// The former speech was delivered in closed session to the congress and was not published in the USSR until 1990, although it was published in the West in 1956 and was read to closed party meetings across the country.
	// "The former speech\nwas delivered in closed session to the congress and\nwas not published in the USSR until 1990, al-\nthough it was published in the West in 1956 and\nwas read to closed party meetings across the coun-\ntry."
}

func ExampleBuilder() {
	var b corpus.Builder
	guide := "---\ntitle: Lectern Guide\nsource: lectern docs\n---\n# Asking\n\nAsk a **question**. Lectern quotes the text.\n"
	if err := b.Add("guide.md", "docs/guide.md", []byte(guide)); err != nil {
		fmt.Println(err)
	}
	book := "The thaw began slowly and then\nspread through the whole of so-\n" +
		"DE-STALINIZATION\n388\nENCYCLOPEDIA OF RUSSIAN HISTORY\n" +
		"ciety. It did not last.\n"
	if err := b.Add("page.txt", "books/page.txt", []byte(book)); err != nil {
		fmt.Println(err)
	}
	if err := b.Add("blank.txt", "books/blank.txt", []byte("\n\n")); err != nil {
		fmt.Println(err)
	}
	c, err := b.Corpus()
	if err != nil {
		fmt.Println(err)
		return
	}
	for id := range c.Len() {
		fmt.Printf("%s [%s]\n", c.Text(id), c.Citation(id))
	}
	// Output:
	// books/blank.txt: the file has no text; add some or remove the file
	// Ask a question. [Lectern Guide › Asking — lectern docs]
	// Lectern quotes the text. [Lectern Guide › Asking — lectern docs]
	// The thaw began slowly and then spread through the whole of society. [De-Stalinization — Encyclopedia of Russian History, pp. 388–389]
	// It did not last. [De-Stalinization — Encyclopedia of Russian History, p. 389]
}

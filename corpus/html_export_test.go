package corpus

// ReadHTML and ReadEPUB are the HTML and EPUB readers, for the tests of
// package corpus_test.
var (
	ReadHTML = readHTML
	ReadEPUB = readEPUB
)

// Package retrieval answers questions about a corpus with its best
// sentences, on top of package index's BM25.
//
// An Engine indexes a corpus (package corpus), each document's sentences
// with its language's analyzer, or loads one from an index file (Open
// decides whether a saved file can be used, rebuilding and saving it when
// the corpus has changed; SaveEngine and LoadEngine write and read it).
// Its Searcher parses a question into weighted terms, correcting typos
// and adding synonyms, and ranks BM25's candidates again: by how much of
// the question each holds (coverage), exact word forms, its neighbours'
// scores, its best clause, and whether it holds the kind of answer asked
// for (KindOf, Fits). Answer turns the best into Results: excerpts with
// their context, highlights and citations (title, source, page), or an
// Answer that says the text does not answer when nothing holds enough of
// the question. Topics and TopicAnswer list and answer by a text's sections
// and key phrases.
package retrieval

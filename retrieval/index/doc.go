// Package index is lectern's full-text index and its BM25 search, written
// here rather than imported.
//
// An Analyzer turns text into terms: Unicode words with their byte
// offsets, case and accents folded, stop words dropped, and a Snowball
// stemmer for each language that has one (English's with its irregular
// forms, from package lexicon). Build indexes numbered texts with one
// analyzer, or BuildLanguages with one per language. The Index holds, per
// term, postings compressed in blocks of 128 with each block's best
// possible score, and per text a forward entry: its term and word numbers
// (DocTerms), so that a text can be rescored without analysing it again
// (DocScorer, AppendDocTokens).
//
// Search returns exactly the k best texts of BM25 scoring (Lucene's
// variant by default; BM25+ and BM25L too), term at a time for small
// collections and document at a time with block-max MaxScore for large
// ones, and Explain each term's part of a score. Closest finds the indexed
// word nearest to a misspelt one through an index of the sorted
// vocabulary.
//
// WriteSections and ReadSections store an index in, and check and read it
// from, the sections of an index file (package binfile), where a loaded
// index is searched in place. Package retrieval builds answers on top.
package index

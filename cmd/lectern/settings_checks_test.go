package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// settingCheck runs a command with a setting changed and fails unless the
// change shows.
type settingCheck func(t *testing.T, f *settingsFixture)

// cmdRun runs one command of lectern for the checks and returns what it
// printed, standard output and standard error together.
type cmdRun func(t *testing.T, f *settingsFixture, env map[string]string) string

// contrast is a check that runs a command with base and with base plus
// change, and asks shows whether the difference is the setting's.
func contrast(run cmdRun, base, change map[string]string, shows func(without, with string) bool) settingCheck {
	return func(t *testing.T, f *settingsFixture) {
		b, w := f.expand(base), f.expand(base)
		for k, v := range f.expand(change) {
			w[k] = v
		}
		without, with := run(t, f, b), run(t, f, w)
		if !shows(without, with) {
			t.Errorf("the setting does not show:\nwithout %v:\n%s\nwith %v:\n%s", b, without, w, with)
		}
	}
}

// expand replaces BOOKS, DIR and QUESTIONS with the fixture's paths.
func (f *settingsFixture) expand(env map[string]string) map[string]string {
	r := strings.NewReplacer("BOOKS", f.books, "DIR", f.dir, "QUESTIONS", f.questions)
	out := map[string]string{}
	for k, v := range env {
		out[k] = r.Replace(v)
	}
	return out
}

// cmd runs lectern with args (BOOKS, DIR and QUESTIONS expanded) and stdin.
func cmd(stdin string, args ...string) cmdRun {
	return func(t *testing.T, f *settingsFixture, env map[string]string) string {
		t.Helper()
		r := strings.NewReplacer("BOOKS", f.books, "DIR", f.dir, "QUESTIONS", f.questions)
		a := make([]string, len(args))
		for i, x := range args {
			a[i] = r.Replace(x)
		}
		_, out, errs := f.run(t, env, stdin, a...)
		return out + errs
	}
}

// firstOf reads the first result's sentence from `ask --json`.
func firstOf(out string) string {
	var a answerJSON
	line, _, _ := strings.Cut(out, "\n")
	if json.Unmarshal([]byte(line), &a) != nil || len(a.Results) == 0 {
		return ""
	}
	return a.Results[0].Sentence
}

// chatFirst is the first excerpt of chat's first answer: the line after
// the question, which chat shows as the answer's title.
func chatFirst(out string) string {
	_, rest, _ := strings.Cut(out, "> ")
	lines := strings.SplitN(rest, "\n", 3)
	if len(lines) < 2 {
		return ""
	}
	return strings.TrimSpace(lines[1])
}

// gains: the output with the setting holds s, and the other does not.
func gains(s string) func(without, with string) bool {
	return func(without, with string) bool { return !strings.Contains(without, s) && strings.Contains(with, s) }
}

// loses: the output without the setting holds s, and the other does not.
func loses(s string) func(without, with string) bool {
	return func(without, with string) bool { return strings.Contains(without, s) && !strings.Contains(with, s) }
}

// becomes: part(output) starts with from without the setting, and with to
// with it.
func becomes(part func(string) string, from, to string) func(without, with string) bool {
	return func(without, with string) bool {
		return strings.HasPrefix(part(without), from) && strings.HasPrefix(part(with), to)
	}
}

// evalRow is the row of `eval --questions` for one kind of question, after
// the kind: questions, right first, in top 3, not found.
func evalRow(kind string) func(string) string {
	return func(out string) string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 2 && f[0] == kind {
				return strings.Join(f[1:], " ")
			}
		}
		return ""
	}
}

// settingChecks are, for each key and command, how the setting shows.
var settingChecks = func() map[string]map[string]settingCheck {
	books := map[string]string{"LECTERN_CORPUS": "BOOKS"}
	none := map[string]string{}
	with := func(k, v string) map[string]string { return map[string]string{k: v} }
	ask := func(q string) cmdRun { return cmd("", "ask", "--json", q) }
	askText := func(q string) cmdRun { return cmd("", "ask", q) }
	chat := func(q string) cmdRun { return cmd(q+"\n", "chat") }
	eval := cmd("", "eval", "--questions", "QUESTIONS")
	topics := cmd("", "topics")
	index := cmd("", "index", "--out", "DIR/out.idx")

	// Naming the text: the command answers from the fixture's books.
	text := func(env map[string]string, indexCmd cmdRun, indexed string) map[string]settingCheck {
		return map[string]settingCheck{
			"ask":    contrast(askText("zebra lion tiger"), none, env, gains("Zebra lion tiger.")),
			"chat":   contrast(chat("zebra lion tiger"), none, env, gains("Zebra lion tiger.")),
			"topics": contrast(topics, none, env, gains("Watering holes")),
			"index":  contrast(indexCmd, none, env, gains(indexed)),
			"eval":   contrast(eval, none, env, becomes(evalRow("all"), "2 0", "2 2")),
		}
	}
	// A setting that changes what is read: each command says so.
	reading := func(env map[string]string, says string) map[string]settingCheck {
		return map[string]settingCheck{
			"ask":    contrast(askText("zebra lion tiger"), books, env, gains(says)),
			"chat":   contrast(chat("zebra lion tiger"), books, env, gains(says)),
			"topics": contrast(topics, books, env, gains(says)),
			"index":  contrast(index, books, env, gains(says)),
			"eval":   contrast(eval, books, env, gains(says)),
		}
	}
	saved := with("LECTERN_INDEX", "DIR/books.idx")
	// language: the Spanish text, detected, and taken for another language.
	spanish := with("LECTERN_CORPUS", "DIR/es")
	taken := func(code string) map[string]string { return with("LECTERN_LANGUAGE", code) }
	return map[string]map[string]settingCheck{
		"corpus":  text(books, index, "indexed 3 documents"),
		"corpora": text(with("LECTERN_CORPORA", `[{name: zoo, corpus: "BOOKS", index: "DIR/zoo.idx"}]`), cmd("", "index"), "zoo: indexed 3 documents"),
		"index": {
			"ask":    contrast(askText("zebra lion tiger"), books, saved, gains("saved the index to")),
			"chat":   contrast(chat("zebra lion tiger"), books, saved, gains("saved the index to")),
			"topics": contrast(topics, books, saved, gains("saved the index to")),
			"index":  contrast(cmd("", "index"), books, saved, gains("books.idx (")),
			"eval":   contrast(eval, books, saved, gains("saved the index to")),
		},
		"limits.max_file_size":   reading(with("LECTERN_LIMITS_MAX_FILE_SIZE", "2KiB"), "too big"),
		"limits.max_corpus_size": reading(with("LECTERN_LIMITS_MAX_CORPUS_SIZE", "1KiB"), "over the corpus limit"),
		"retrieval.k1": {
			"ask":  contrast(ask("zebra lion tiger"), books, with("LECTERN_RETRIEVAL_K1", "10"), becomes(firstOf, "Zebra lion tiger.", "Zebra zebra")),
			"chat": contrast(chat("zebra lion tiger"), books, with("LECTERN_RETRIEVAL_K1", "10"), becomes(chatFirst, "Zebra lion tiger.", "Zebra zebra")),
			"eval": contrast(eval, books, with("LECTERN_RETRIEVAL_K1", "10"), becomes(evalRow("k"), "1 1", "1 0")),
		},
		"retrieval.b": {
			"ask":  contrast(ask("quagga hides"), books, with("LECTERN_RETRIEVAL_B", "0"), becomes(firstOf, "Quagga hides.", "Quagga hides can")),
			"chat": contrast(chat("quagga hides"), books, with("LECTERN_RETRIEVAL_B", "0"), becomes(chatFirst, "Quagga hides.", "Quagga hides can")),
			"eval": contrast(eval, books, with("LECTERN_RETRIEVAL_B", "0"), becomes(evalRow("b"), "1 1", "1 0")),
		},
		"retrieval.top": {
			"ask":    contrast(askText("lion"), books, with("LECTERN_RETRIEVAL_TOP", "1"), loses("2. ")),
			"topics": contrast(cmd("", "topics", "lion"), books, with("LECTERN_RETRIEVAL_TOP", "1"), loses("2. ")),
		},
		"retrieval.min_coverage": {
			"ask":  contrast(askText("zebra lion giraffe"), books, with("LECTERN_RETRIEVAL_MIN_COVERAGE", "1"), gains("Not found")),
			"chat": contrast(chat("zebra lion giraffe"), books, with("LECTERN_RETRIEVAL_MIN_COVERAGE", "1"), gains("doesn't seem to answer")),
			"eval": contrast(eval, books, with("LECTERN_RETRIEVAL_MIN_COVERAGE", "0.65"), gains("At min_coverage 0.65")),
		},
		"retrieval.excerpt_max": {
			"ask":  contrast(askText("okapis rainforests congo"), books, with("LECTERN_RETRIEVAL_EXCERPT_MAX", "100"), loses("shade of the forest")),
			"chat": contrast(chat("okapis rainforests congo"), books, with("LECTERN_RETRIEVAL_EXCERPT_MAX", "100"), loses("shade of the forest")),
		},
		"retrieval.fuzzy": {
			"ask": contrast(ask("zebbra lionn tigger"), books, with("LECTERN_RETRIEVAL_FUZZY", "false"), func(without, with string) bool {
				return firstOf(without) == "Zebra lion tiger." && firstOf(with) != "Zebra lion tiger."
			}),
			"chat": contrast(chat("zebbra lionn tigger"), books, with("LECTERN_RETRIEVAL_FUZZY", "false"), func(without, with string) bool {
				return chatFirst(without) == "Zebra lion tiger." && chatFirst(with) != "Zebra lion tiger."
			}),
			"eval": contrast(cmd("", "eval", "--questions", "DIR/typo.tsv"), books, with("LECTERN_RETRIEVAL_FUZZY", "false"), becomes(evalRow("typo"), "1 1", "1 0")),
		},
		"language": {
			"ask":  contrast(askText("canción"), spanish, taken("ru"), loses("Las canciones populares")),
			"chat": contrast(chat("canción"), spanish, taken("ru"), loses("Las canciones populares")),
			"topics": contrast(topics, spanish, taken("ru"), func(without, with string) bool {
				return gains("Russian")(without, with) && strings.Contains(without, "Spanish")
			}),
			"index": contrast(index, spanish, taken("ru"), gains("languages: Russian (1 document)")),
			"eval":  contrast(cmd("", "eval", "--questions", "DIR/es.tsv"), spanish, taken("ru"), becomes(evalRow("k"), "1 1", "1 0")),
		},
		// healthcheck asks GET /readyz on http.listen, else metrics.listen:
		// port 1 answers nothing, and the error names the URL it asked.
		"http.listen": {
			"healthcheck": contrast(cmd("", "healthcheck", "--timeout", "1s"), map[string]string{"LECTERN_DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)},
				with("LECTERN_HTTP_LISTEN", "127.0.0.1:1"), gains("http://127.0.0.1:1/readyz")),
		},
		"metrics.listen": {
			"healthcheck": contrast(cmd("", "healthcheck", "--timeout", "1s"), none, with("LECTERN_METRICS_LISTEN", "127.0.0.1:1"), gains("http://127.0.0.1:1/readyz")),
		},
		"feedback.path": {
			"feedback": contrast(cmd("", "feedback"), none, with("LECTERN_FEEDBACK_PATH", "DIR/votes.jsonl"), gains("votes")),
		},
		"discord.results": {
			"chat": contrast(chat("lion"), books, with("LECTERN_DISCORD_RESULTS", "2"), func(without, with string) bool {
				return strings.Count(without, "📖") == 1 && strings.Count(with, "📖") == 2
			}),
		},
	}
}()

package lang

import (
	"math"
	"math/bits"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Guess is what Detect makes of a text.
type Guess struct {
	// Language is the language code ("en", "ru"), "" for a text without
	// letters, or when none of the languages asked about is written in its
	// script.
	Language string `json:"language"`
	// Confidence, from 0 to 1, is how sure the guess is: 0 when nothing
	// but the script points to the language, near 1 for a paragraph of
	// ordinary prose. See Sure.
	Confidence float64 `json:"confidence"`
	// Script is the script most of the text's letters are in ("Latin",
	// "Cyrillic", "Han"), "" for none.
	Script string `json:"script"`
}

// Sure is the confidence from which a guess can be taken as a text's
// language: a sentence of ordinary prose reaches it, a few words of names
// or a title seldom do.
const Sure = 0.5

// IsSure reports whether the guess reaches Sure.
func (g Guess) IsSure() bool { return g.Language != "" && g.Confidence >= Sure }

// maxDetectBytes is how much of a text Detect reads: plenty to tell any
// language, bounded for a whole book.
const maxDetectBytes = 64 << 10

// Detect guesses the language a text is written in. Scripts used by one
// language (Greek, Hangul, Thai, Georgian...) give it at once; Han is
// Chinese unless kana show it is Japanese; Arabic script is Arabic,
// Persian or Urdu by the letters each adds. Latin and Cyrillic text is
// told apart by its common words (articles, prepositions, pronouns; a word
// shared by several languages counts for each in part), by letters
// particular to some languages (ñ, ß, ő, ł, ї, ў...) and by a few
// characteristic endings. Only the first 64 KiB are read. Detect tells
// apart the languages in Languages, and names any other it cannot tell from
// its script (e.g. Latin text in none of them as English, with confidence
// 0).
func Detect(text string) Guess { return DetectAmong(text, nil) }

// DetectAmong is Detect choosing only among the given languages (codes as
// Normalize returns them); nil or empty means all. When the text's script
// is not one any of them is written in, the guess is empty.
func DetectAmong(text string, among []string) Guess {
	if len(text) > maxDetectBytes {
		cut := maxDetectBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	allowed := allDetectable
	if len(among) > 0 {
		allowed = 0
		for _, c := range among {
			if i, ok := detectIndex[c]; ok {
				allowed |= 1 << i
			}
		}
	}
	var d detector
	d.run(text, allowed)
	return d.guess(among, allowed)
}

// detector holds the evidence gathered from a text.
type detector struct {
	letters [numScripts]int
	scores  [64]float64 // by index in detectable
	arabic  [3]int      // letters peculiar to Arabic, Persian, Urdu
}

// run reads text's words and letters.
func (d *detector) run(text string, allowed uint64) {
	start := -1
	for i, r := range text {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			d.word(text[start:i], allowed)
			start = -1
		}
		switch r {
		case '¿', '¡':
			d.add(cueEs, 1.5, allowed)
		case '·':
			d.add(cueCa, 0.7, allowed)
		}
	}
	if start >= 0 {
		d.word(text[start:], allowed)
	}
}

// word counts one word's evidence.
func (d *detector) word(w string, allowed uint64) {
	lower := strings.ToLower(w)
	for _, r := range lower {
		s := scriptOf(r)
		d.letters[s]++
		if r < utf8.RuneSelf {
			continue // no cue is ASCII
		}
		if cs, ok := letterCues[r]; ok {
			for _, c := range cs {
				d.add(c.lang, c.weight, allowed)
			}
		}
		if s == arabic {
			switch {
			case strings.ContainsRune("پچژگکی", r):
				d.arabic[1]++
			case strings.ContainsRune("ٹڈڑںےھ", r):
				d.arabic[2]++
			case strings.ContainsRune("ةىيك", r):
				d.arabic[0]++
			}
		}
	}
	if m := commonIndex[lower] & allowed; m != 0 {
		w := 1 / float64(bits.OnesCount64(m))
		for m != 0 {
			i := bits.TrailingZeros64(m)
			d.scores[i] += w
			m &^= 1 << i
		}
		return
	}
	n := utf8.RuneCountInString(lower)
	if n < 3 {
		return
	}
	if n >= 5 {
		// The word's endings of one to six letters.
		for i, k := len(lower), 0; i > 0 && k < maxEnding; k++ {
			_, size := utf8.DecodeLastRuneInString(lower[:i])
			i -= size
			for _, c := range endingCues[lower[i:]] {
				d.add(c.lang, c.weight, allowed)
			}
		}
	}
	// The bytes the word holds: a cue is looked for only when its first
	// two bytes are among them.
	var has [4]uint64
	for i := 0; i < len(lower); i++ {
		has[lower[i]>>6] |= 1 << (lower[i] & 63)
	}
	holds := func(b byte) bool { return has[b>>6]&(1<<(b&63)) != 0 }
	for _, c := range infixCues {
		if len(c.part) >= 2 && !(holds(c.part[0]) && holds(c.part[1])) {
			continue
		}
		if strings.Contains(lower, c.part) {
			d.add(c.lang, c.weight, allowed)
		}
	}
}

// add adds weight to a language's score if it is allowed.
func (d *detector) add(i int, weight float64, allowed uint64) {
	if allowed&(1<<i) != 0 {
		d.scores[i] += weight
	}
}

// guess turns the evidence into a Guess.
func (d *detector) guess(among []string, allowed uint64) Guess {
	total, best := 0, noScript
	for s := latin; s < numScripts; s++ {
		total += d.letters[s]
		if d.letters[s] > d.letters[best] {
			best = s
		}
	}
	if best == noScript {
		return Guess{}
	}
	share := float64(d.letters[best]) / float64(total)
	g := Guess{Script: best.String()}
	switch best {
	case latin, cyrillic:
		var s1, s2 float64
		i1 := -1
		for i, code := range detectable {
			if allowed&(1<<i) == 0 || byCode[code].script != best {
				continue
			}
			switch s := d.scores[i]; {
			case s > s1:
				s1, s2, i1 = s, s1, i
			case s > s2:
				s2 = s
			}
		}
		if i1 < 0 || s1 == 0 {
			g.Language = scriptLanguage[best]
			if i1 < 0 && len(among) > 0 {
				g.Language = firstOfScript(among, best)
			}
			return g
		}
		g.Language = detectable[i1]
		if alone(allowed, best) {
			// The only language asked about in this script.
			g.Confidence = share * min(1, float64(d.letters[best])/scriptLetters(best))
			return g
		}
		g.Confidence = share * (1 - math.Exp(-(s1-s2)/evidence))
		return g
	case han, kana:
		// Japanese mixes kana with Han; Chinese has none.
		if d.letters[kana]*20 >= d.letters[han]+d.letters[kana] {
			g.Language = "ja"
			share = float64(d.letters[han]+d.letters[kana]) / float64(total)
		} else {
			g.Language = "zh"
		}
	case arabic:
		g.Language = "ar"
		if d.arabic[2] > 0 && d.arabic[2] >= d.arabic[1] {
			g.Language = "ur"
		} else if d.arabic[1] > d.arabic[0] {
			g.Language = "fa"
		}
	default:
		g.Language = scriptLanguage[best]
	}
	if len(among) > 0 && !contains(among, g.Language) {
		g.Language = firstOfScript(among, best)
		if best == han && g.Language == "" && contains(among, "ja") {
			g.Language = "ja" // kanji alone
		}
		if g.Language == "" {
			return Guess{Script: g.Script}
		}
		g.Confidence = 0
		return g
	}
	g.Confidence = share * min(1, float64(d.letters[best])/scriptLetters(best))
	return g
}

// evidence scales how sure a Latin or Cyrillic guess is by its lead over
// the next language: a lead of one word a language has to itself is a
// third of the way to sure, two words past Sure.
const evidence = 2.5

// alone reports whether only one of the allowed languages is written in
// script s.
func alone(allowed uint64, s script) bool {
	n := 0
	for i, code := range detectable {
		if allowed&(1<<i) != 0 && byCode[code].script == s {
			n++
		}
	}
	return n == 1
}

// scriptLetters is how many letters of a script make a sure guess: few for
// ideographs, which carry a word each.
func scriptLetters(s script) float64 {
	switch s {
	case han, kana, hangul:
		return 2
	}
	return 6
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// firstOfScript returns the first of codes written in script s, "" if none.
func firstOfScript(codes []string, s script) string {
	for _, c := range codes {
		if l, ok := byCode[c]; ok && l.script == s {
			return c
		}
	}
	return ""
}

// detectable are the languages Detect tells apart by their words: those
// with a list of common words, in a fixed order (their bit in masks).
var detectable, detectIndex, commonIndex, allDetectable = func() ([]string, map[string]int, map[string]uint64, uint64) {
	var codes []string
	for _, l := range languages {
		if _, ok := common[l.code]; ok {
			codes = append(codes, l.code)
		}
	}
	if len(codes) > 64 {
		panic("lang: more than 64 languages to detect")
	}
	index := map[string]int{}
	words := map[string]uint64{}
	var all uint64
	for i, c := range codes {
		index[c] = i
		all |= 1 << i
		for _, w := range strings.Fields(common[c]) {
			words[w] |= 1 << i
		}
	}
	return codes, index, words, all
}()

// Languages returns the languages Detect tells apart by their words, as
// well as by their script; the slice is the caller's.
func Languages() []string { return append([]string(nil), detectable...) }

// cue is evidence for one language.
type cue struct {
	lang   int
	weight float64
}

// Indexes of languages that punctuation points to.
var (
	cueEs = detectIndex["es"]
	cueCa = detectIndex["ca"]
)

// letterCues are letters some languages use and most do not, with what
// each occurrence adds to their scores.
var letterCues = func() map[rune][]cue {
	m := map[rune][]cue{}
	add := func(letters string, weight float64, codes ...string) {
		for _, r := range letters {
			for _, c := range codes {
				m[r] = append(m[r], cue{detectIndex[c], weight})
			}
		}
	}
	add("ñ", 1, "es")
	add("ã", 1, "pt")
	add("õ", 0.7, "pt")
	add("ç", 0.3, "fr", "pt", "ca", "tr")
	add("œ", 1, "fr")
	add("êûëï", 0.3, "fr")
	add("èà", 0.2, "fr", "it", "ca")
	add("ìù", 0.5, "it")
	add("ß", 1.5, "de")
	add("äöü", 0.2, "de", "sv", "fi", "hu", "tr")
	add("å", 0.5, "sv", "no", "da")
	add("æø", 0.7, "no", "da")
	add("őű", 1.5, "hu")
	add("łąęż", 1, "pl")
	add("śźń", 0.5, "pl")
	add("řůě", 1.5, "cs")
	add("ľĺŕ", 1.5, "sk")
	add("ô", 0.3, "sk", "fr", "pt")
	add("čšž", 0.2, "cs", "sk", "hr")
	add("ćđ", 0.7, "hr")
	add("șşțţ", 1.5, "ro")
	add("ă", 1, "ro")
	add("ğı", 1.5, "tr")
	add("ơư", 1.5, "vi")
	for r := rune(0x1EA0); r <= 0x1EF9; r++ {
		add(string(r), 1, "vi")
	}
	add("їєґ", 1.5, "uk")
	add("і", 0.5, "uk", "be", "kk")
	add("ў", 1.5, "be")
	add("ыэё", 0.3, "ru", "be")
	add("ъ", 0.3, "bg")
	add("ђћ", 1.5, "sr")
	add("јљњџ", 0.7, "sr", "mk")
	add("ѓќѕ", 1.5, "mk")
	add("әғқңұһ", 1.5, "kk")
	add("өү", 0.7, "kk", "mn")
	return m
}()

// endingCues are word endings characteristic of a language, by ending,
// each worth a quarter of a common word; infixCues are letter groups found
// anywhere in a word.
var endingCues, infixCues = func() (map[string][]cue, []partCue) {
	endings := map[string][]cue{}
	var infixes []partCue
	add := func(suffix bool, weight float64, parts map[string]string) {
		codes := make([]string, 0, len(parts))
		for c := range parts {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			for _, p := range strings.Fields(parts[code]) {
				if suffix {
					endings[p] = append(endings[p], cue{detectIndex[code], weight})
				} else {
					infixes = append(infixes, partCue{p, detectIndex[code], weight})
				}
			}
		}
	}
	add(true, 0.25, map[string]string{
		"en": "ing tion ness ship ly ed",
		"es": "ción ciones mente idad ado ados ada adas",
		"pt": "ção ções dade mente ado ados ada adas",
		"it": "zione zioni mente ità ato ati ata ate",
		"fr": "tion ment eux euse ée ées aient",
		"de": "ung ungen keit heit lich isch schaft",
		"nl": "heid lijk ijk tje",
		"sv": "ning het ighet lig",
		"no": "ning het lig else",
		"da": "ning hed lig else",
		"pl": "ość anie enie ych ego",
		"ru": "ость ние ого ых ий ать ение",
		"uk": "ння ість ого ий ати",
		"hu": "ság ség ban ben nak nek ból ből",
		"fi": "ssa ssä sta stä lla llä nen",
		"tr": "lar ler lık lik dır dir",
		"ro": "ului ilor ește",
		"cs": "ost ání ení",
	})
	add(false, 0.5, map[string]string{
		"no": "kj gj øy",
		"da": "øj",
		"pt": "nh lh",
		"it": "gli cch",
		"hu": "gy",
	})
	add(false, 0.2, map[string]string{
		"da": "ej",
		"nl": "ij",
		"pl": "rz cz",
	})
	for e := range endings {
		if utf8.RuneCountInString(e) > maxEnding {
			panic("lang: an ending longer than maxEnding: " + e)
		}
	}
	return endings, infixes
}()

// maxEnding is the longest ending in endingCues, in letters.
const maxEnding = 6

// partCue is a letter group that points to a language.
type partCue struct {
	part   string
	lang   int
	weight float64
}

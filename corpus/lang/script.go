package lang

import "unicode"

// script is a writing system, as far as telling languages apart needs.
type script uint8

const (
	noScript script = iota
	latin
	cyrillic
	greek
	hebrew
	arabic
	devanagari
	bengali
	gurmukhi
	gujarati
	tamil
	telugu
	kannada
	malayalam
	sinhala
	thai
	lao
	khmer
	myanmar
	georgian
	armenian
	ethiopic
	tibetan
	han
	kana
	hangul
	numScripts
)

var scriptNames = [numScripts]string{"", "Latin", "Cyrillic", "Greek", "Hebrew", "Arabic", "Devanagari", "Bengali",
	"Gurmukhi", "Gujarati", "Tamil", "Telugu", "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar",
	"Georgian", "Armenian", "Ethiopic", "Tibetan", "Han", "Kana", "Hangul"}

func (s script) String() string { return scriptNames[s] }

// scriptTables are the Unicode scripts, in the order scriptOf tries them
// after Latin and Cyrillic.
var scriptTables = []struct {
	s script
	t *unicode.RangeTable
}{
	{greek, unicode.Greek}, {arabic, unicode.Arabic}, {hebrew, unicode.Hebrew},
	{han, unicode.Han}, {kana, unicode.Hiragana}, {kana, unicode.Katakana}, {hangul, unicode.Hangul},
	{devanagari, unicode.Devanagari}, {bengali, unicode.Bengali}, {gurmukhi, unicode.Gurmukhi},
	{gujarati, unicode.Gujarati}, {tamil, unicode.Tamil}, {telugu, unicode.Telugu}, {kannada, unicode.Kannada},
	{malayalam, unicode.Malayalam}, {sinhala, unicode.Sinhala}, {thai, unicode.Thai}, {lao, unicode.Lao},
	{khmer, unicode.Khmer}, {myanmar, unicode.Myanmar}, {georgian, unicode.Georgian}, {armenian, unicode.Armenian},
	{ethiopic, unicode.Ethiopic}, {tibetan, unicode.Tibetan},
}

// scriptOf returns the script of a letter, noScript for anything else.
func scriptOf(r rune) script {
	switch {
	case r < 0x80:
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return latin
		}
		return noScript
	case r >= 0x400 && r <= 0x52F:
		if unicode.IsLetter(r) {
			return cyrillic
		}
		return noScript
	case !unicode.IsLetter(r):
		return noScript
	case unicode.Is(unicode.Latin, r):
		return latin
	case unicode.Is(unicode.Cyrillic, r):
		return cyrillic
	}
	for _, st := range scriptTables {
		if unicode.Is(st.t, r) {
			return st.s
		}
	}
	return noScript
}

// scriptLanguage is the language a script's text is taken to be in when
// the script has one language, or when nothing tells its languages apart.
var scriptLanguage = [numScripts]string{
	latin: "en", cyrillic: "ru", greek: "el", hebrew: "he", arabic: "ar", devanagari: "hi",
	bengali: "bn", gurmukhi: "pa", gujarati: "gu", tamil: "ta", telugu: "te", kannada: "kn",
	malayalam: "ml", sinhala: "si", thai: "th", lao: "lo", khmer: "km", myanmar: "my",
	georgian: "ka", armenian: "hy", ethiopic: "am", tibetan: "bo", han: "zh", kana: "ja", hangul: "ko",
}

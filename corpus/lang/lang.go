// Package lang knows the human languages a text may be written in: their
// codes and names, the words each is built from, and how to tell from a
// text which language it is in.
//
// A language is named by its BCP 47 primary language subtag, lower case:
// "en", "es", "ru", "zh". Normalize turns what a source may state (a full
// tag such as "pt-BR", a three-letter code such as "rus", a name such as
// "Russian" or "русский") into that code, and Detect guesses it from the
// text itself.
package lang

import (
	"strings"

	"golang.org/x/text/language"
)

// English is the language lectern assumes when nothing says otherwise.
const English = "en"

// info is what the package knows of one language.
type info struct {
	code   string
	name   string   // in English
	native []string // what its speakers call it, lower case
	script script   // the script it is written in
}

// languages are the languages known by name. Detect tells apart those
// with a list of common words (see common) and those with a script of their
// own; the others are only named.
var languages = []info{
	{"en", "English", []string{"english"}, latin},
	{"es", "Spanish", []string{"español", "castellano"}, latin},
	{"fr", "French", []string{"français"}, latin},
	{"de", "German", []string{"deutsch"}, latin},
	{"it", "Italian", []string{"italiano"}, latin},
	{"pt", "Portuguese", []string{"português"}, latin},
	{"nl", "Dutch", []string{"nederlands", "vlaams", "flemish"}, latin},
	{"sv", "Swedish", []string{"svenska"}, latin},
	{"no", "Norwegian", []string{"norsk", "bokmål", "nynorsk", "norwegian bokmål", "norwegian nynorsk"}, latin},
	{"da", "Danish", []string{"dansk"}, latin},
	{"fi", "Finnish", []string{"suomi"}, latin},
	{"hu", "Hungarian", []string{"magyar"}, latin},
	{"pl", "Polish", []string{"polski"}, latin},
	{"cs", "Czech", []string{"čeština", "česky"}, latin},
	{"sk", "Slovak", []string{"slovenčina"}, latin},
	{"ro", "Romanian", []string{"română", "moldavian"}, latin},
	{"tr", "Turkish", []string{"türkçe"}, latin},
	{"id", "Indonesian", []string{"bahasa indonesia", "indonesia"}, latin},
	{"ms", "Malay", []string{"bahasa melayu", "melayu"}, latin},
	{"ca", "Catalan", []string{"català", "valencian"}, latin},
	{"hr", "Croatian", []string{"hrvatski"}, latin},
	{"bs", "Bosnian", []string{"bosanski"}, latin},
	{"sl", "Slovenian", []string{"slovenščina", "slovene"}, latin},
	{"vi", "Vietnamese", []string{"tiếng việt"}, latin},
	{"et", "Estonian", []string{"eesti"}, latin},
	{"lv", "Latvian", []string{"latviešu"}, latin},
	{"lt", "Lithuanian", []string{"lietuvių"}, latin},
	{"is", "Icelandic", []string{"íslenska"}, latin},
	{"ga", "Irish", []string{"gaeilge"}, latin},
	{"cy", "Welsh", []string{"cymraeg"}, latin},
	{"eu", "Basque", []string{"euskara"}, latin},
	{"gl", "Galician", []string{"galego"}, latin},
	{"af", "Afrikaans", nil, latin},
	{"sq", "Albanian", []string{"shqip"}, latin},
	{"sw", "Swahili", []string{"kiswahili"}, latin},
	{"tl", "Tagalog", []string{"filipino"}, latin},
	{"eo", "Esperanto", nil, latin},
	{"la", "Latin", []string{"latina"}, latin},
	{"ru", "Russian", []string{"русский", "русский язык"}, cyrillic},
	{"uk", "Ukrainian", []string{"українська"}, cyrillic},
	{"be", "Belarusian", []string{"беларуская"}, cyrillic},
	{"bg", "Bulgarian", []string{"български"}, cyrillic},
	{"sr", "Serbian", []string{"српски", "srpski"}, cyrillic},
	{"mk", "Macedonian", []string{"македонски"}, cyrillic},
	{"kk", "Kazakh", []string{"қазақ", "қазақша"}, cyrillic},
	{"mn", "Mongolian", []string{"монгол"}, cyrillic},
	{"el", "Greek", []string{"ελληνικά"}, greek},
	{"he", "Hebrew", []string{"עברית"}, hebrew},
	{"yi", "Yiddish", []string{"ייִדיש"}, hebrew},
	{"ar", "Arabic", []string{"العربية"}, arabic},
	{"fa", "Persian", []string{"فارسی", "farsi"}, arabic},
	{"ur", "Urdu", []string{"اردو"}, arabic},
	{"hi", "Hindi", []string{"हिन्दी", "हिंदी"}, devanagari},
	{"mr", "Marathi", []string{"मराठी"}, devanagari},
	{"ne", "Nepali", []string{"नेपाली"}, devanagari},
	{"bn", "Bengali", []string{"বাংলা", "bangla"}, bengali},
	{"pa", "Punjabi", []string{"ਪੰਜਾਬੀ"}, gurmukhi},
	{"gu", "Gujarati", []string{"ગુજરાતી"}, gujarati},
	{"ta", "Tamil", []string{"தமிழ்"}, tamil},
	{"te", "Telugu", []string{"తెలుగు"}, telugu},
	{"kn", "Kannada", []string{"ಕನ್ನಡ"}, kannada},
	{"ml", "Malayalam", []string{"മലയാളം"}, malayalam},
	{"si", "Sinhala", []string{"සිංහල"}, sinhala},
	{"th", "Thai", []string{"ไทย"}, thai},
	{"lo", "Lao", []string{"ລາວ"}, lao},
	{"km", "Khmer", []string{"ខ្មែរ"}, khmer},
	{"my", "Burmese", []string{"မြန်မာ"}, myanmar},
	{"ka", "Georgian", []string{"ქართული"}, georgian},
	{"hy", "Armenian", []string{"հայերեն"}, armenian},
	{"am", "Amharic", []string{"አማርኛ"}, ethiopic},
	{"bo", "Tibetan", []string{"བོད་སྐད"}, tibetan},
	{"zh", "Chinese", []string{"中文", "汉语", "漢語", "mandarin", "cantonese"}, han},
	{"ja", "Japanese", []string{"日本語"}, kana},
	{"ko", "Korean", []string{"한국어", "조선말"}, hangul},
}

// byCode and byName index languages.
var byCode, byName = func() (map[string]*info, map[string]string) {
	codes := map[string]*info{}
	names := map[string]string{}
	for i := range languages {
		l := &languages[i]
		codes[l.code] = l
		names[strings.ToLower(l.name)] = l.code
		for _, n := range l.native {
			names[n] = l.code
		}
	}
	return codes, names
}()

// macro maps codes that Normalize folds into another language's: the
// varieties of a macrolanguage, and codes that name one language twice.
var macro = map[string]string{
	"nb": "no", "nn": "no", // Norwegian Bokmål and Nynorsk: one stemmer
	"cmn": "zh", "yue": "zh", "wuu": "zh", "hak": "zh", "nan": "zh", "gan": "zh", "hsn": "zh", // Chinese
	"arb": "ar", "zsm": "ms", "pes": "fa", "prs": "fa", "ekk": "et", "lvs": "lv", "swh": "sw",
	"fil": "tl", "mo": "ro", "sh": "hr", "ji": "yi", "iw": "he", "in": "id",
}

// Normalize returns the language code for s: a BCP 47 tag ("ru",
// "ru-RU", "pt_BR", "zh-Hant-TW"), an ISO 639-2 or 639-3 code ("rus",
// "ger"), or the language's name in English or in itself ("Russian",
// "русский", "Español"), in any case and with spaces around it. It returns
// "" for "", for "und" and "mul" (unknown, several), and for anything it
// does not recognise. Norwegian Bokmål and Nynorsk are "no"; the varieties
// of Chinese are "zh".
func Normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if code, ok := byName[s]; ok {
		return code
	}
	if code, ok := macro[s]; ok {
		return code
	}
	t, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil || t == language.Und {
		return ""
	}
	base, conf := t.Base()
	if conf == language.No {
		return ""
	}
	code := base.String()
	if code == "und" || code == "mul" || code == "zxx" || code == "mis" {
		return ""
	}
	if c, ok := macro[code]; ok {
		return c
	}
	return code
}

// Name returns the English name of the language with the given code
// ("ru" -> "Russian"), or the code itself when the package does not know
// it, and "unknown" for "".
func Name(code string) string {
	if code == "" {
		return "unknown"
	}
	if l, ok := byCode[code]; ok {
		return l.name
	}
	return code
}

// Known reports whether the package knows the language by name.
func Known(code string) bool {
	_, ok := byCode[code]
	return ok
}

// Script returns the name of the script a language is written in
// ("Latin", "Cyrillic", "Han"), or "" when the package does not know it.
func Script(code string) string {
	if l, ok := byCode[code]; ok {
		return l.script.String()
	}
	return ""
}

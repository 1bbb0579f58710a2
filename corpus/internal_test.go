// Tests of unexported parts: front matter against its former decoding,
// and line counting.

package corpus

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// frontMatterBefore is frontMatter as it was before its limits: the block
// decoded straight into a map, in time that grows with the square of the
// number of keys. It is the reference FuzzFrontMatter compares with.
func frontMatterBefore(data []byte) (Meta, []string, int, error) {
	var meta Meta
	first, rest, ok := cutLine(data, 0)
	if !ok || strings.TrimRight(string(data[first:rest]), " \t\r\n") != "---" {
		return meta, nil, 0, nil
	}
	for off := rest; off < len(data); {
		start, next, _ := cutLine(data, off)
		line := strings.TrimRight(string(data[start:next]), " \t\r\n")
		if line == "---" || line == "..." {
			var raw map[string]any
			if err := yaml.Unmarshal(data[rest:start], &raw); err != nil {
				return meta, nil, 0, fmt.Errorf("front matter: %v", err)
			}
			var unknown []string
			for k, v := range raw {
				s := fmt.Sprint(v)
				if v == nil {
					s = ""
				}
				switch strings.ToLower(k) {
				case "title":
					meta.Title = s
				case "source":
					meta.Source = s
				case "author":
					meta.Author = s
				case "url":
					meta.URL = s
				case "page":
					meta.Page = s
				default:
					unknown = append(unknown, k)
				}
			}
			sort.Strings(unknown)
			return meta, unknown, next, nil
		}
		off = next
	}
	return meta, nil, 0, errors.New("front matter: the opening \"---\" line has no closing \"---\" line")
}

// FuzzFrontMatter checks that frontMatter, within its limits, gives what
// decoding the block straight into a map gave: the same metadata, unknown
// keys and body offset, or the same error.
func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: T\nsource: S\nauthor: A\nurl: http://x\npage: 388\n---\nText.\n",
		"---\nTitle: 5\nPAGE: 388\nurl: null\nx: [1, 2]\ny: {a: b}\n---\n",
		"---\ntitle: [\n---\nText.\n",
		"---\ntitle: A\ntitle: B\n---\n",
		"---\nbase: &b {title: X, source: Y}\n<<: *b\ntitle: Z\n---\nText.\n",
		"---\n<<: [*a]\n---\n",
		"---\na: &a [*a]\n---\n",
		"---\n- a\n- b\n---\n",
		"---\njust text\n---\n",
		"---\n~\n---\n",
		"---\n\n---\n",
		"---\n# only a comment\n...\nText.\n",
		"---\r\ntitle: T\r\n---\r\nText.\r\n",
		"---\n? [a, b]\n: c\n---\n",
		"---\n1: x\ntrue: y\n~: z\n---\n",
		"---\ntitle: |\n  two\n  lines\n---\n",
		"---\ntitle: T\n",
		"--- \ntitle: T\n--- \n",
		"No front matter.\n---\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		meta, unknown, body, err := frontMatter([]byte(data))
		if body < 0 || body > len(data) {
			t.Fatalf("frontMatter(%q) body at %d; want 0 to %d", data, body, len(data))
		}
		if err != nil && !errors.Is(err, ErrFrontMatter) {
			t.Fatalf("frontMatter(%q) = %v; want errors.Is(err, ErrFrontMatter)", data, err)
		}
		var limit frontMatterLimit
		if errors.As(err, &limit) {
			return // the reference has no limits
		}
		wantMeta, wantUnknown, wantBody, wantErr := frontMatterBefore([]byte(data))
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("frontMatter(%q) error = %v; want %v", data, err, wantErr)
		}
		if meta != wantMeta || !reflect.DeepEqual(unknown, wantUnknown) || body != wantBody {
			t.Fatalf("frontMatter(%q) = %+v, %q, %d; want %+v, %q, %d", data, meta, unknown, body, wantMeta, wantUnknown, wantBody)
		}
	})
}

// BenchmarkDecodeFrontMatter decodes blocks of n keys, past the byte limit
// that frontMatter puts first: refusing more than MaxFrontMatterKeys takes
// time in proportion to the block, not to the square of its keys.
func BenchmarkDecodeFrontMatter(b *testing.B) {
	for _, n := range []int{1000, 15000, 60000} {
		var block strings.Builder
		for i := range n {
			fmt.Fprintf(&block, "k%d: v\n", i)
		}
		data := []byte(block.String())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				decodeFrontMatter(data)
			}
		})
	}
}

func TestCountLines(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"a", 0},
		{"a\n", 1},
		{"a\r\nb\r\n", 2},
		{"a\rb\nc\fd\r\n\r\n", 5},
		{"\n\r", 2},
	} {
		if got, lines := countLines([]byte(tt.text)), len(splitLines(nil, []byte(tt.text+"x"), 0))-1; got != tt.want || got != lines {
			t.Errorf("countLines(%q) = %d; want %d, one less than splitLines' %d lines", tt.text, got, tt.want, lines+1)
		}
	}
}

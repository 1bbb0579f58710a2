package discordtest_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

func embed(fields map[string]any) map[string]any { return fields }

func row(components ...any) map[string]any {
	return map[string]any{"type": 1, "components": components}
}

func button(label, customID string) map[string]any {
	return map[string]any{"type": 2, "style": 1, "label": label, "custom_id": customID}
}

func repeat(n int, v any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
		if b, ok := v.(map[string]any); ok {
			if id, ok := b["custom_id"]; ok {
				c := maps.Clone(b)
				c["custom_id"] = fmt.Sprint(id, i)
				out[i] = c
			}
		}
	}
	return out
}

func fields(n int) []any {
	return repeat(n, map[string]any{"name": "n", "value": "v"})
}

func TestMessageValidation(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	long := func(n int) string { return strings.Repeat("ü", n) }
	tests := []struct {
		name   string
		body   any
		status int
		code   float64
		path   string // first error path, for 50035
	}{
		{"content at limit", map[string]any{"content": long(2000)}, 200, 0, ""},
		{"content over limit", map[string]any{"content": long(2001)}, 400, 50035, "content"},
		{"empty", map[string]any{}, 400, 50006, ""},
		{"only whitespace", map[string]any{"content": "  \n"}, 400, 50006, ""},
		{"null fields", map[string]any{"content": "", "embeds": nil, "components": nil}, 400, 50006, ""},
		{"embed only", map[string]any{"embeds": []any{embed(map[string]any{"title": "t"})}}, 200, 0, ""},
		{"eleven embeds", map[string]any{"embeds": repeat(11, embed(map[string]any{"title": "t"}))}, 400, 50035, "embeds"},
		{"title", map[string]any{"embeds": []any{embed(map[string]any{"title": long(257)})}}, 400, 50035, "embeds.0.title"},
		{"description at limit", map[string]any{"embeds": []any{embed(map[string]any{"description": long(4096)})}}, 200, 0, ""},
		{"description", map[string]any{"embeds": []any{embed(map[string]any{"description": long(4097)})}}, 400, 50035, "embeds.0.description"},
		{"26 fields", map[string]any{"embeds": []any{embed(map[string]any{"fields": fields(26)})}}, 400, 50035, "embeds.0.fields"},
		{"field name", map[string]any{"embeds": []any{embed(map[string]any{"fields": []any{map[string]any{"name": long(257), "value": "v"}}})}}, 400, 50035, "embeds.0.fields.0.name"},
		{"field value", map[string]any{"embeds": []any{embed(map[string]any{"fields": []any{map[string]any{"name": "n", "value": long(1025)}}})}}, 400, 50035, "embeds.0.fields.0.value"},
		{"empty field value", map[string]any{"embeds": []any{embed(map[string]any{"fields": []any{map[string]any{"name": "n", "value": ""}}})}}, 400, 50035, "embeds.0.fields.0.value"},
		{"footer", map[string]any{"embeds": []any{embed(map[string]any{"footer": map[string]any{"text": long(2049)}})}}, 400, 50035, "embeds.0.footer.text"},
		{"author", map[string]any{"embeds": []any{embed(map[string]any{"author": map[string]any{"name": long(257)}})}}, 400, 50035, "embeds.0.author.name"},
		{"total over 6000", map[string]any{"embeds": []any{
			embed(map[string]any{"description": long(4000)}),
			embed(map[string]any{"description": long(2001)}),
		}}, 400, 50035, "embeds"},
		{"total at 6000", map[string]any{"embeds": []any{
			embed(map[string]any{"description": long(4000)}),
			embed(map[string]any{"description": long(2000)}),
		}}, 200, 0, ""},
		{"embed url", map[string]any{"embeds": []any{embed(map[string]any{"title": "t", "url": "not a url"})}}, 400, 50035, "embeds.0.url"},
		{"five rows", map[string]any{"components": repeatRows(5)}, 200, 0, ""},
		{"six rows", map[string]any{"components": repeatRows(6)}, 400, 50035, "components"},
		{"six buttons", map[string]any{"components": []any{row(repeat(6, button("b", "id"))...)}}, 400, 50035, "components.0.components"},
		{"custom_id", map[string]any{"components": []any{row(button("b", strings.Repeat("x", 101)))}}, 400, 50035, "components.0.components.0.custom_id"},
		{"label", map[string]any{"components": []any{row(button(strings.Repeat("x", 81), "id"))}}, 400, 50035, "components.0.components.0.label"},
		{"button without custom_id", map[string]any{"components": []any{row(map[string]any{"type": 2, "style": 1, "label": "b"})}}, 400, 50035, "components.0.components.0.custom_id"},
		{"link without url", map[string]any{"components": []any{row(map[string]any{"type": 2, "style": 5, "label": "b"})}}, 400, 50035, "components.0.components.0.url"},
		{"link button", map[string]any{"components": []any{row(map[string]any{"type": 2, "style": 5, "label": "b", "url": "https://example.com"})}}, 200, 0, ""},
		{"duplicate custom_id", map[string]any{"components": []any{row(button("a", "same"), button("b", "same"))}}, 400, 50035, "components.0.components.1.custom_id"},
		{"button outside row", map[string]any{"components": []any{button("a", "x")}}, 400, 50035, "components.0.type"},
		{"allowed_mentions parse", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{"people"}}}, 400, 50035, "allowed_mentions.parse.0"},
		{"allowed_mentions exclusive", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{"users"}, "users": []any{"1"}}}, 400, 50035, "allowed_mentions"},
		{"wrong type", map[string]any{"content": 5}, 400, 50035, "content"},
		{"invalid JSON", []byte(`{"content":`), 400, 50109, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawCall(t, srv, "POST", "/channels/"+discordtest.DefaultChannelID+"/messages", tt.body)
			if status != tt.status {
				t.Fatalf("POST = %d %v; want %d", status, body, tt.status)
			}
			if tt.code == 0 {
				return
			}
			if body["code"] != tt.code {
				t.Errorf("code = %v; want %v (body %v)", body["code"], tt.code, body)
			}
			if tt.path != "" && errorAt(body["errors"], tt.path) == nil {
				t.Errorf("errors = %v; want an error at %s", body["errors"], tt.path)
			}
		})
	}
}

func repeatRows(n int) []any {
	var rows []any
	for i := range n {
		rows = append(rows, row(button("b", fmt.Sprint("row", i))))
	}
	return rows
}

// errorAt walks Discord's nested errors object to the _errors list at path.
func errorAt(errs any, path string) []any {
	node, _ := errs.(map[string]any)
	for _, part := range strings.Split(path, ".") {
		node, _ = node[part].(map[string]any)
	}
	list, _ := node["_errors"].([]any)
	return list
}

func TestInteractionCallbackValidation(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	registerCommands(t, s, srv)
	choices := func(n, nameLen int) []any {
		var out []any
		for i := range n {
			out = append(out, map[string]any{"name": strings.Repeat("c", nameLen), "value": fmt.Sprint(i)})
		}
		return out
	}
	tests := []struct {
		name         string
		autocomplete bool
		body         any
		status       int
		code         float64
		path         string
	}{
		{"25 choices", true, map[string]any{"type": 8, "data": map[string]any{"choices": choices(25, 100)}}, 204, 0, ""},
		{"26 choices", true, map[string]any{"type": 8, "data": map[string]any{"choices": choices(26, 5)}}, 400, 50035, "data.choices"},
		{"choice name", true, map[string]any{"type": 8, "data": map[string]any{"choices": choices(1, 101)}}, 400, 50035, "data.choices.0.name"},
		{"message to autocomplete", true, map[string]any{"type": 4, "data": map[string]any{"content": "x"}}, 400, 50035, "type"},
		{"choices to command", false, map[string]any{"type": 8, "data": map[string]any{"choices": choices(1, 5)}}, 400, 50035, "type"},
		{"unknown type", false, map[string]any{"type": 99}, 400, 50035, "type"},
		{"empty message", false, map[string]any{"type": 4, "data": map[string]any{"content": ""}}, 400, 50006, ""},
		{"long content", false, map[string]any{"type": 4, "data": map[string]any{"content": strings.Repeat("x", 2001)}}, 400, 50035, "data.content"},
		{"bad embed", false, map[string]any{"type": 4, "data": map[string]any{"embeds": []any{map[string]any{"title": strings.Repeat("x", 257)}}}}, 400, 50035, "data.embeds.0.title"},
		{"deferred", false, map[string]any{"type": 5}, 204, 0, ""},
		{"deferred ephemeral", false, map[string]any{"type": 5, "data": map[string]any{"flags": 64}}, 204, 0, ""},
		{"modal", false, map[string]any{"type": 9, "data": map[string]any{"custom_id": "m", "title": "T", "components": []any{
			row(map[string]any{"type": 4, "custom_id": "q", "label": "Question", "style": 2}),
		}}}, 204, 0, ""},
		{"modal title", false, map[string]any{"type": 9, "data": map[string]any{"custom_id": "m", "title": strings.Repeat("x", 46), "components": []any{
			row(map[string]any{"type": 4, "custom_id": "q", "label": "Question", "style": 2}),
		}}}, 400, 50035, "data.title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in *discordgo.Interaction
			var err error
			if tt.autocomplete {
				in, err = srv.SendAutocomplete(discordtest.Autocomplete{Name: "topic", Focused: "name", Value: "x"})
			} else {
				in, err = srv.SendCommand(discordtest.Command{Name: "help"})
			}
			if err != nil {
				t.Fatal(err)
			}
			path := "/interactions/" + in.ID + "/" + in.Token + "/callback"
			status, body := rawCall(t, srv, "POST", path, tt.body)
			if status != tt.status {
				t.Fatalf("callback = %d %v; want %d", status, body, tt.status)
			}
			if tt.code != 0 && body["code"] != tt.code {
				t.Errorf("code = %v; want %v", body["code"], tt.code)
			}
			if tt.path != "" && errorAt(body["errors"], tt.path) == nil {
				t.Errorf("errors = %v; want an error at %s", body["errors"], tt.path)
			}
			if tt.status == 204 {
				status, body = rawCall(t, srv, "POST", path, tt.body)
				if status != 400 || body["code"] != float64(40060) {
					t.Errorf("second callback = %d %v; want 400 40060", status, body)
				}
			}
		})
	}
	status, body := rawCall(t, srv, "POST", "/interactions/1/nope/callback", map[string]any{"type": 5})
	if status != 404 || body["code"] != float64(10062) {
		t.Errorf("unknown interaction = %d %v; want 404 10062", status, body)
	}
}

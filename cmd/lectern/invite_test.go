package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"lectern/bot/discordtest"
)

// inviteURL is the invite of application 223456789012345678, with its
// permissions: View Channels, Send Messages, Send Messages in Threads,
// Embed Links and Read Message History.
const inviteURL = "https://discord.com/oauth2/authorize?client_id=223456789012345678&scope=bot%20applications.commands&permissions=274877991936&integration_type=0"

func TestInvite(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token, ApplicationID: "223456789012345678"})
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string // in standard output, or in standard error when code is not 0
	}{
		{"application ID", map[string]string{"LECTERN_DISCORD_APPLICATION_ID": "223456789012345678"}, nil, 0,
			[]string{inviteURL, "View Channels", "Send Messages in Threads", "Embed Links", "Read Message History", "(274877991936)"}},
		{"the token's application", map[string]string{"LECTERN_DISCORD_TOKEN": token, "LECTERN_DISCORD_API_URL": srv.APIURL()}, nil, 0,
			[]string{inviteURL, "the bot token's application"}},
		{"nothing set", nil, nil, 2, []string{"LECTERN_DISCORD_APPLICATION_ID", "LECTERN_DISCORD_TOKEN"}},
		{"not an ID", map[string]string{"LECTERN_DISCORD_APPLICATION_ID": "my-bot"}, nil, 2, []string{"discord.application_id", "not a Discord ID"}},
		{"token rejected", map[string]string{"LECTERN_DISCORD_TOKEN": strings.Replace(token, "x", "y", 1), "LECTERN_DISCORD_API_URL": srv.APIURL()}, nil, 2,
			[]string{"rejected"}},
		{"not a token", map[string]string{"LECTERN_DISCORD_TOKEN": "hunter2", "LECTERN_DISCORD_API_URL": srv.APIURL()}, nil, 2,
			[]string{"not a Discord bot token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LECTERN_DISCORD_TOKEN", "")
			t.Setenv("LECTERN_DISCORD_APPLICATION_ID", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, stderr := lectern(t, "", append([]string{"invite"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("lectern invite: exit %d; want %d\nstdout: %s\nstderr: %s", code, tt.code, out, stderr)
			}
			got := out
			if code != 0 {
				got = stderr
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lectern invite: output lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(out+stderr, token) {
				t.Error("lectern invite printed the token")
			}
		})
	}
}

func TestInviteJSON(t *testing.T) {
	t.Setenv("LECTERN_DISCORD_APPLICATION_ID", "223456789012345678")
	code, out, stderr := lectern(t, "", "invite", "--json")
	if code != 0 {
		t.Fatalf("lectern invite --json: exit %d: %s", code, stderr)
	}
	var got inviteOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("lectern invite --json: %v: %s", err, out)
	}
	var sum int64
	for _, p := range got.PermissionList {
		sum |= p.Bit
	}
	if got.URL != inviteURL || got.Permissions != 274877991936 || sum != got.Permissions || len(got.PermissionList) != 5 ||
		strings.Join(got.Scopes, " ") != "bot applications.commands" {
		t.Errorf("lectern invite --json = %s", out)
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusServiceUnavailable
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write([]byte("ready\n"))
		} else {
			w.Write([]byte("loading the text\n"))
		}
	}))
	defer hs.Close()
	port := hs.URL[strings.LastIndexByte(hs.URL, ':')+1:]
	t.Setenv("LECTERN_HTTP_LISTEN", ":"+port)
	t.Setenv("LECTERN_DISCORD_PUBLIC_KEY", strings.Repeat("ab", 32))

	if code, _, stderr := lectern(t, "", "healthcheck"); code != 1 || !strings.Contains(stderr, "loading the text") {
		t.Errorf("healthcheck while loading: exit %d, %q; want 1 and the reason", code, stderr)
	}
	status = http.StatusOK
	if code, out, stderr := lectern(t, "", "healthcheck"); code != 0 || !strings.Contains(out, "ready") {
		t.Errorf("healthcheck when ready: exit %d, %q, %q; want 0", code, out, stderr)
	}
	if code, _, _ := lectern(t, "", "healthcheck", "--url", hs.URL+"/elsewhere"); code != 1 {
		t.Errorf("healthcheck --url of a 404: exit %d; want 1", code)
	}
	// Without http.listen, the metrics listener is asked.
	t.Setenv("LECTERN_HTTP_LISTEN", "")
	t.Setenv("LECTERN_METRICS_LISTEN", ":"+port)
	if code, out, stderr := lectern(t, "", "healthcheck"); code != 0 || !strings.Contains(out, "ready") {
		t.Errorf("healthcheck on metrics.listen: exit %d, %q, %q; want 0", code, out, stderr)
	}
	t.Setenv("LECTERN_METRICS_LISTEN", "")
	if code, _, stderr := lectern(t, "", "healthcheck"); code != 2 || !strings.Contains(stderr, "LECTERN_METRICS_LISTEN") {
		t.Errorf("healthcheck without a listener: exit %d, %q; want 2", code, stderr)
	}
}

func TestReadyURL(t *testing.T) {
	tests := []struct{ listen, want string }{
		{":8080", "http://127.0.0.1:8080/readyz"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080/readyz"},
		{"[::]:8080", "http://[::1]:8080/readyz"},
		{"10.0.0.5:9000", "http://10.0.0.5:9000/readyz"},
	}
	for _, tt := range tests {
		if got, err := readyURL(tt.listen); err != nil || got != tt.want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", tt.listen, got, err, tt.want)
		}
	}
}

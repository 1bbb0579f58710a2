package bot

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// The events whose empty payloads crashed the bot through discordgo's
// state tracking or its own handling of them.
var stateEvents = []string{
	"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE",
	"GUILD_MEMBER_REMOVE", "GUILD_MEMBERS_CHUNK", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE",
	"GUILD_ROLE_DELETE", "GUILD_EMOJIS_UPDATE", "GUILD_STICKERS_UPDATE", "CHANNEL_CREATE",
	"CHANNEL_UPDATE", "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE",
	"THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE", "MESSAGE_UPDATE",
	"MESSAGE_DELETE", "MESSAGE_DELETE_BULK", "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE",
	"MESSAGE_REACTION_REMOVE_ALL", "PRESENCE_UPDATE", "PRESENCES_REPLACE", "VOICE_STATE_UPDATE",
	"VOICE_SERVER_UPDATE", "USER_UPDATE", "STAGE_INSTANCE_EVENT_CREATE",
}

// discordgoCrashes reports whether discordgo v0.29.0, with state tracking
// off, panics on msg in its gateway reader: it decodes msg as its Event,
// then does for it what its onEvent and onInterface do through pointers.
// Decoding MESSAGE_CREATE and INTERACTION_CREATE also runs their custom
// unmarshalling, so a panic there fails the caller.
func discordgoCrashes(t *testing.T, msg []byte) string {
	t.Helper()
	var e *discordgo.Event
	if err := json.NewDecoder(bytes.NewReader(msg)).Decode(&e); err != nil {
		return ""
	}
	if e == nil {
		return "nil event"
	}
	switch e.Operation {
	case 10:
		var h struct {
			HeartbeatInterval time.Duration `json:"heartbeat_interval"`
		}
		if json.Unmarshal(e.RawData, &h) == nil && h.HeartbeatInterval*time.Millisecond <= 0 {
			return "HELLO with a heartbeat interval NewTicker refuses"
		}
		return ""
	case 0:
	default:
		return ""
	}
	walk := func(g *discordgo.Guild) string {
		if g == nil {
			return "nil guild"
		}
		for _, c := range g.Channels {
			if c == nil {
				return "nil channel"
			}
		}
		for _, m := range g.Members {
			if m == nil {
				return "nil member"
			}
		}
		for _, v := range g.VoiceStates {
			if v == nil {
				return "nil voice state"
			}
		}
		return ""
	}
	switch e.Type {
	case "READY":
		var r discordgo.Ready
		_ = json.Unmarshal(e.RawData, &r)
		for _, g := range r.Guilds {
			if why := walk(g); why != "" {
				return "READY: " + why
			}
		}
	case "GUILD_CREATE", "GUILD_UPDATE":
		var g discordgo.GuildCreate
		_ = json.Unmarshal(e.RawData, &g)
		if why := walk(g.Guild); why != "" {
			return e.Type + ": " + why
		}
	case "VOICE_STATE_UPDATE":
		var v discordgo.VoiceStateUpdate
		_ = json.Unmarshal(e.RawData, &v)
		if v.VoiceState == nil {
			return "VOICE_STATE_UPDATE: nil voice state"
		}
	case "MESSAGE_CREATE":
		var m discordgo.MessageCreate
		_ = json.Unmarshal(e.RawData, &m)
	case "INTERACTION_CREATE":
		var i discordgo.InteractionCreate
		_ = json.Unmarshal(e.RawData, &i)
	case "RESUMED", ignoredEvent:
	default:
		return "event " + e.Type + " reaches discordgo's handlers"
	}
	return ""
}

func TestSanitizeGateway(t *testing.T) {
	tests := []struct {
		name, in string
		drop     bool
		changed  bool // the frame reaching discordgo differs
		why      bool // a malformed payload is logged
	}{
		{"null", `null`, true, true, true},
		{"null with spaces", " \n null ", true, true, true},
		{"not JSON", `{"op":`, false, false, false},
		{"heartbeat ack", `{"op":11,"d":null}`, false, false, false},
		{"hello", `{"op":10,"d":{"heartbeat_interval":41250}}`, false, false, false},
		{"hello null", `{"op":10,"d":null}`, false, true, true},
		{"hello zero", `{"op":10,"d":{"heartbeat_interval":0}}`, false, true, true},
		{"hello huge", `{"op":10,"d":{"heartbeat_interval":99999999999999999}}`, false, true, true},
		{"hello without d", `{"op":10}`, false, true, true},
		{"message", `{"op":0,"s":3,"t":"MESSAGE_CREATE","d":{"id":"1","content":"hi"}}`, false, false, false},
		{"message null", `{"op":0,"s":3,"t":"MESSAGE_CREATE","d":null}`, false, true, true},
		{"interaction array", `{"op":0,"s":3,"t":"INTERACTION_CREATE","d":[]}`, false, true, true},
		{"guild create", `{"op":0,"s":4,"t":"GUILD_CREATE","d":{"id":"1"}}`, false, true, false},
		{"guild create null", `{"op":0,"s":4,"t":"GUILD_CREATE","d":null}`, false, true, false},
		{"ready", `{"op":0,"s":1,"t":"READY","d":{"session_id":"x","guilds":[{"id":"1","unavailable":true}]}}`, false, false, false},
		{"ready null guild", `{"op":0,"s":1,"t":"READY","d":{"session_id":"x","guilds":[null,{"id":"2"}]}}`, false, true, true},
		{"ready null channel", `{"op":0,"s":1,"t":"READY","d":{"session_id":"x","guilds":[{"id":"1","channels":[null]}]}}`, false, true, true},
		{"ready null member, key in another case", `{"t":"READY","d":{"Guilds":[{"memBers":[null]}]}}`, false, true, true},
		{"resumed", `{"op":0,"s":9,"t":"RESUMED","d":{}}`, false, false, false},
	}
	// Unsanitized, these crash discordgo.
	for _, in := range []string{`null`, `{"op":10,"d":{"heartbeat_interval":0}}`, `{"op":0,"t":"GUILD_CREATE","d":{}}`,
		`{"op":0,"t":"READY","d":{"guilds":[null]}}`, `{"op":0,"t":"VOICE_STATE_UPDATE","d":null}`} {
		if discordgoCrashes(t, []byte(in)) == "" {
			t.Errorf("discordgoCrashes(%s) = \"\"; want a crash", in)
		}
	}
	for _, tt := range tests {
		out, why := sanitizeGateway([]byte(tt.in))
		if (out == nil) != tt.drop || (string(out) != tt.in) != tt.changed || (why != "") != tt.why {
			t.Errorf("%s: sanitizeGateway(%s) = %s, %q; want drop %v, changed %v, logged %v", tt.name, tt.in, out, why, tt.drop, tt.changed, tt.why)
		}
		if out != nil {
			if crash := discordgoCrashes(t, out); crash != "" {
				t.Errorf("%s: discordgo would crash on %s: %s", tt.name, out, crash)
			}
		}
	}
	// The sequence number of an ignored dispatch reaches discordgo, for its
	// heartbeats and RESUME.
	out, _ := sanitizeGateway([]byte(`{"op":0,"s":42,"t":"CHANNEL_CREATE","d":null}`))
	var e discordgo.Event
	if err := json.Unmarshal(out, &e); err != nil || e.Sequence != 42 || e.Type != ignoredEvent {
		t.Errorf("ignored dispatch became %s; want sequence 42 and type %s", out, ignoredEvent)
	}
	for _, ev := range stateEvents {
		for _, d := range []string{`null`, `{}`, `[]`, `""`, `0`} {
			in := `{"op":0,"s":5,"t":"` + ev + `","d":` + d + `}`
			if out, _ := sanitizeGateway([]byte(in)); out == nil || discordgoCrashes(t, out) != "" {
				t.Errorf("sanitizeGateway(%s) = %s: discordgo crashes", in, out)
			}
		}
	}
}

// FuzzSanitizeGateway: whatever Discord sends, what reaches discordgo does
// not crash it, and sanitizing again changes nothing.
func FuzzSanitizeGateway(f *testing.F) {
	f.Add([]byte(`null`))
	f.Add([]byte(`{"op":10,"d":{"heartbeat_interval":41250}}`))
	f.Add([]byte(`{"op":0,"s":1,"t":"READY","d":{"guilds":[{"id":"1","channels":[{}],"members":[null]}]}}`))
	f.Add([]byte(`{"op":0,"s":2,"t":"GUILD_CREATE","d":{}}`))
	f.Add([]byte(`{"op":0,"s":2,"t":"VOICE_STATE_UPDATE","d":{"channel_id":"1"}}`))
	f.Add([]byte(`{"op":0,"s":3,"t":"MESSAGE_CREATE","d":{"components":[{"type":1,"components":[{"type":2}]}]}}`))
	f.Add([]byte(`{"op":0,"s":3,"t":"INTERACTION_CREATE","d":{"type":3,"data":{"custom_id":"x"},"message":{"components":[{"type":9}]}}}`))
	f.Add([]byte(`{"op":0,"t":"READY","d":{"guilds":5}}{"op":1}`))
	f.Add([]byte(`{"t":"READY","d":{"guilds":[{"memBers":[null]}]}}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		out, _ := sanitizeGateway(msg)
		if out == nil {
			return
		}
		if crash := discordgoCrashes(t, out); crash != "" {
			t.Fatalf("sanitizeGateway(%q) = %q: discordgo crashes: %s", msg, out, crash)
		}
		if again, why := sanitizeGateway(out); !bytes.Equal(again, out) || why != "" {
			t.Fatalf("sanitizeGateway is not stable: %q -> %q -> %q (%s)", msg, out, again, why)
		}
	})
}

// TestGuardConn runs gorilla's client, through the bot's gateway dialer,
// against a websocket server sending fragmented, compressed, large and
// hostile messages.
func TestGuardConn(t *testing.T) {
	big := `{"op":0,"s":7,"t":"MESSAGE_CREATE","d":{"content":"` + strings.Repeat("x", 70000) + `"}}`
	var zbuf bytes.Buffer
	zw := zlib.NewWriter(&zbuf)
	io.WriteString(zw, `{"op":0,"s":5,"t":"GUILD_CREATE","d":null}`)
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, http.Header{"X-Long": {strings.Repeat("h", 5000)}})
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":0}}`))
		c.WriteMessage(websocket.TextMessage, []byte(`null`))
		// A message in three fragments with a ping between them.
		nw, _ := c.NextWriter(websocket.TextMessage)
		io.WriteString(nw, `{"op":0,"s":1,"t":"MESSAGE_`)
		c.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second))
		io.WriteString(nw, `CREATE","d":{"content":"joined"}}`)
		nw.Close()
		c.WriteMessage(websocket.BinaryMessage, zbuf.Bytes())
		c.WriteMessage(websocket.TextMessage, []byte(big))
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":11}`))
		c.ReadMessage() // until the client closes
	}))
	defer srv.Close()

	sh := &shard{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := sh.gatewayDialer().DialContext(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pinged := make(chan bool, 1)
	c.SetPingHandler(func(string) error { pinged <- true; return nil })
	want := []string{
		`{"op":10,"s":null,"t":null,"d":{"heartbeat_interval":41250}}`,
		`{"op":0,"s":1,"t":"MESSAGE_CREATE","d":{"content":"joined"}}`,
		`{"op":0,"s":5,"t":"` + ignoredEvent + `","d":null}`,
		big,
		`{"op":11}`,
	}
	for i, w := range want {
		typ, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if typ != websocket.TextMessage || string(got) != w {
			t.Errorf("message %d = %d %.100s; want text %.100s", i, typ, got, w)
		}
	}
	select {
	case <-pinged:
	default:
		t.Error("the ping between fragments did not reach the client")
	}
}

func TestIsInvalidSession(t *testing.T) {
	for _, tt := range []struct {
		msg  string
		want bool
	}{
		{`{"op":9,"d":false}`, true},
		{`{"t":null,"s":null,"op":9,"d":true}`, true},
		{`{"op":0,"s":9,"t":"MESSAGE_CREATE","d":{"content":"op 9"}}`, false},
		{`{"op":11}`, false},
		{`null`, false},
		{`{"op":"9"}`, false},
	} {
		if got := isInvalidSession([]byte(tt.msg)); got != tt.want {
			t.Errorf("isInvalidSession(%s) = %v; want %v", tt.msg, got, tt.want)
		}
	}
}

// TestInvalidSessionPause: a sharded connection holds INVALID_SESSION back
// for the pause, and closing the connection ends the pause at once.
func TestInvalidSessionPause(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":9,"d":false}`))
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":9,"d":false}`))
		c.ReadMessage() // until the client closes
	}))
	defer srv.Close()
	const first = 50 * time.Millisecond
	var pause atomic.Int64
	pause.Store(int64(first))
	sh := &shard{log: slog.New(slog.NewTextHandler(io.Discard, nil)), invalidPause: func() time.Duration { return time.Duration(pause.Load()) }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := sh.gatewayDialer().DialContext(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != `{"op":9,"d":false}` {
		t.Fatalf("first message %s, %v; want INVALID_SESSION", msg, err)
	}
	if waited := time.Since(start); waited < first {
		t.Errorf("INVALID_SESSION arrived after %v; want after the pause, %v", waited, first)
	}
	pause.Store(int64(time.Hour)) // the second one waits until Close
	read := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		read <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-read:
		if err == nil {
			t.Error("read the second INVALID_SESSION after Close; want an error")
		}
	case <-time.After(time.Second):
		t.Fatal("Close did not end the pause within a second")
	}
}

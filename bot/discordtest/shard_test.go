package discordtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"lectern/bot/discordtest"
)

// rawGateway is a bare gateway client for protocol tests that discordgo
// cannot drive: it sends exactly what a test says.
type rawGateway struct {
	t  *testing.T
	ws *websocket.Conn
}

type rawPayload struct {
	Op int             `json:"op"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

// dialGateway connects to srv's gateway and reads HELLO.
func dialGateway(t *testing.T, srv *discordtest.Server) *rawGateway {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"?v=10&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial gateway: %v", err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	g := &rawGateway{t: t, ws: ws}
	if p, code := g.next(); p.Op != 10 {
		t.Fatalf("first payload op %d (close %d); want HELLO", p.Op, code)
	}
	return g
}

func (g *rawGateway) send(op int, d any) {
	g.t.Helper()
	if err := g.ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		g.t.Fatalf("write op %d: %v", op, err)
	}
}

func (g *rawGateway) identify(token string, intents discordgo.Intent, shard *[2]int) {
	g.t.Helper()
	d := map[string]any{
		"token":      token,
		"intents":    intents,
		"properties": map[string]string{"os": "linux", "browser": "raw", "device": "raw"},
	}
	if shard != nil {
		d["shard"] = shard
	}
	g.send(2, d)
}

// next reads one payload, or returns the close code the server closed with
// (-1 for any other read error).
func (g *rawGateway) next() (rawPayload, int) {
	g.t.Helper()
	_ = g.ws.SetReadDeadline(time.Now().Add(testTimeout))
	_, data, err := g.ws.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return rawPayload{}, ce.Code
		}
		return rawPayload{}, -1
	}
	var p rawPayload
	if err := json.Unmarshal(data, &p); err != nil {
		g.t.Fatalf("decode %s: %v", data, err)
	}
	return p, 0
}

// until reads payloads until match accepts one, which it returns, or the
// connection closes, whose code it returns.
func (g *rawGateway) until(match func(rawPayload) bool) (rawPayload, int) {
	g.t.Helper()
	for {
		p, code := g.next()
		if code != 0 || match(p) {
			return p, code
		}
	}
}

// answer reads until READY, INVALID_SESSION or a close, and reports which:
// "READY", "INVALID_SESSION false" or the close code.
func (g *rawGateway) answer() (rawPayload, string, int) {
	g.t.Helper()
	p, code := g.until(func(p rawPayload) bool { return p.T == "READY" || p.Op == 9 })
	switch {
	case code != 0:
		return p, "", code
	case p.Op == 9:
		return p, "INVALID_SESSION " + string(p.D), 0
	}
	return p, "READY", 0
}

func TestShardGuildID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{discordtest.DefaultGuildID: true}
	for n := 1; n <= 5; n++ {
		for k := range n {
			for i := range 3 {
				id := discordtest.ShardGuildID(k, n, i)
				if got := discordtest.GuildShard(id, n); got != k {
					t.Errorf("GuildShard(ShardGuildID(%d, %d, %d) = %s, %d) = %d; want %d", k, n, i, id, n, got, k)
				}
				if seen[id] {
					t.Errorf("ShardGuildID(%d, %d, %d) = %s, seen before", k, n, i, id)
				}
				seen[id] = true
				if ts, err := discordgo.SnowflakeTimestamp(id); err != nil || ts.Year() < 2017 {
					t.Errorf("SnowflakeTimestamp(%s) = %v, %v; want a date after 2017", id, ts, err)
				}
			}
		}
	}
	for _, tt := range []struct {
		guildID string
		n, want int
	}{
		{discordtest.DefaultGuildID, 1, 0},
		{discordtest.DefaultGuildID, 2, 1},
		{"41771983423143937", 3, 0}, // (id >> 22) = 9959216934
		{"not a snowflake", 4, 0},
		{discordtest.DefaultGuildID, 0, 0},
	} {
		if got := discordtest.GuildShard(tt.guildID, tt.n); got != tt.want {
			t.Errorf("GuildShard(%q, %d) = %d; want %d", tt.guildID, tt.n, got, tt.want)
		}
	}
}

// shardedGuilds returns two guilds owned by shards 0 and 1 of 2, with one
// text channel each, and their channel IDs.
func shardedGuilds() (guilds []discordtest.Guild, ch0, ch1 string) {
	ch0, ch1 = "1100000000000000301", "1100000000000000302"
	return []discordtest.Guild{
		{ID: discordtest.ShardGuildID(0, 2, 0), Name: "zero", Channels: []discordtest.Channel{{ID: ch0, Name: "general"}}},
		{ID: discordtest.ShardGuildID(1, 2, 0), Name: "one", Channels: []discordtest.Channel{{ID: ch1, Name: "general"}}},
	}, ch0, ch1
}

func TestIdentifyShard(t *testing.T) {
	t.Parallel()
	guilds, _, _ := shardedGuilds()
	g0, g1 := guilds[0].ID, guilds[1].ID
	for _, tt := range []struct {
		name       string
		opts       discordtest.Options
		shard      *[2]int
		wantClose  int
		wantGuilds []string // in READY
	}{
		{"no shard gets every guild", discordtest.Options{Shards: 2}, nil, 0, []string{g0, g1}},
		{"shard 0 of 2", discordtest.Options{}, &[2]int{0, 2}, 0, []string{g0}},
		{"shard 1 of 2", discordtest.Options{}, &[2]int{1, 2}, 0, []string{g1}},
		{"shard 0 of 1", discordtest.Options{}, &[2]int{0, 1}, 0, []string{g0, g1}},
		{"shard id equal to count", discordtest.Options{}, &[2]int{2, 2}, 4010, nil},
		{"negative shard id", discordtest.Options{}, &[2]int{-1, 2}, 4010, nil},
		{"zero shards", discordtest.Options{}, &[2]int{0, 0}, 4010, nil},
		{"required, none sent", discordtest.Options{Shards: 2, RequireSharding: true}, nil, 4011, nil},
		{"required, one shard", discordtest.Options{Shards: 2, RequireSharding: true}, &[2]int{0, 1}, 4011, nil},
		{"required, wrong count", discordtest.Options{Shards: 2, RequireSharding: true}, &[2]int{0, 3}, 4010, nil},
		{"required, right count", discordtest.Options{Shards: 2, RequireSharding: true}, &[2]int{1, 2}, 0, []string{g1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Guilds = guilds
			srv := discordtest.NewServer(t, tt.opts)
			g := dialGateway(t, srv)
			g.identify(srv.Token(), testIntents, tt.shard)
			p, got, code := g.answer()
			if code != tt.wantClose {
				t.Fatalf("IDENTIFY with shard %v: close %d (answer %q); want close %d", tt.shard, code, got, tt.wantClose)
			}
			ids := srv.Identifies()
			if len(ids) != 1 || ids[0].CloseCode != tt.wantClose || ids[0].Accepted() != (tt.wantClose == 0) {
				t.Errorf("Identifies() = %+v; want one with close code %d", ids, tt.wantClose)
			}
			if tt.wantClose != 0 {
				return
			}
			var ready struct {
				Shard  *[2]int `json:"shard"`
				Guilds []struct {
					ID string `json:"id"`
				} `json:"guilds"`
			}
			if err := json.Unmarshal(p.D, &ready); err != nil {
				t.Fatal(err)
			}
			var readyGuilds []string
			for _, rg := range ready.Guilds {
				readyGuilds = append(readyGuilds, rg.ID)
			}
			if !slices.Equal(readyGuilds, tt.wantGuilds) {
				t.Errorf("READY guilds = %v; want %v", readyGuilds, tt.wantGuilds)
			}
			if (ready.Shard == nil) != (tt.shard == nil) || (ready.Shard != nil && *ready.Shard != *tt.shard) {
				t.Errorf("READY shard = %v; want %v", ready.Shard, tt.shard)
			}
			// One GUILD_CREATE per guild of the shard, nothing else.
			var created []string
			for range tt.wantGuilds {
				gc, code := g.until(func(p rawPayload) bool { return p.T == "GUILD_CREATE" })
				if code != 0 {
					t.Fatalf("closed with %d before GUILD_CREATE", code)
				}
				var guild struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(gc.D, &guild)
				created = append(created, guild.ID)
			}
			if !slices.Equal(created, tt.wantGuilds) {
				t.Errorf("GUILD_CREATE for %v; want %v", created, tt.wantGuilds)
			}
			wantDispatches := []string{"READY"}
			for range tt.wantGuilds {
				wantDispatches = append(wantDispatches, "GUILD_CREATE")
			}
			sessions := srv.Sessions()
			if len(sessions) != 1 || !slices.Equal(sessions[0].Guilds, tt.wantGuilds) || !slices.Equal(sessions[0].Dispatches, wantDispatches) {
				t.Errorf("Sessions() = %+v; want one session with guilds %v, sent %v", sessions, tt.wantGuilds, wantDispatches)
			}
		})
	}
}

func TestIdentifyRateLimit(t *testing.T) {
	t.Parallel()
	// Each IDENTIFY is sent on a connection of its own. A window of an hour
	// means "within the window", one of a nanosecond "after it", so no test
	// waits for a clock.
	type step struct {
		shard       *[2]int
		wantLimited bool
		wantKey     int
	}
	for _, tt := range []struct {
		name           string
		maxConcurrency int
		window         time.Duration
		steps          []step
	}{
		{"unsharded twice", 1, time.Hour, []step{{nil, false, 0}, {nil, true, 0}}},
		{"two shards, one bucket", 1, time.Hour, []step{{&[2]int{0, 2}, false, 0}, {&[2]int{1, 2}, true, 0}}},
		{"two shards, two buckets", 2, time.Hour, []step{{&[2]int{0, 2}, false, 0}, {&[2]int{1, 2}, false, 1}}},
		{"bucket reused", 2, time.Hour, []step{{&[2]int{0, 4}, false, 0}, {&[2]int{1, 4}, false, 1}, {&[2]int{2, 4}, true, 0}, {&[2]int{3, 4}, true, 1}}},
		{"max_concurrency 16", 16, time.Hour, []step{{&[2]int{15, 32}, false, 15}, {&[2]int{16, 32}, false, 0}, {&[2]int{31, 32}, true, 15}}},
		{"window passed", 1, time.Nanosecond, []step{{&[2]int{0, 2}, false, 0}, {&[2]int{1, 2}, false, 0}}},
		{"limit off", 1, -1, []step{{nil, false, 0}, {nil, false, 0}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{MaxConcurrency: tt.maxConcurrency, IdentifyWindow: tt.window})
			accepted := 0
			for i, st := range tt.steps {
				g := dialGateway(t, srv)
				g.identify(srv.Token(), testIntents, st.shard)
				_, got, code := g.answer()
				want := "READY"
				if st.wantLimited {
					want = "INVALID_SESSION false"
				}
				if got != want || code != 0 {
					t.Fatalf("step %d: IDENTIFY shard %v answered %q (close %d); want %q", i, st.shard, got, code, want)
				}
				if !st.wantLimited {
					accepted++
					continue
				}
				// The connection stays open for another IDENTIFY.
				g.send(1, nil)
				if p, code := g.until(func(p rawPayload) bool { return p.Op == 11 }); code != 0 || p.Op != 11 {
					t.Errorf("step %d: no heartbeat ACK after INVALID_SESSION (close %d)", i, code)
				}
			}
			ids := srv.Identifies()
			if len(ids) != len(tt.steps) {
				t.Fatalf("Identifies() has %d entries; want %d", len(ids), len(tt.steps))
			}
			for i, st := range tt.steps {
				id := ids[i]
				if id.RateLimited != st.wantLimited || id.RateLimitKey != st.wantKey || id.Accepted() == st.wantLimited || id.CloseCode != 0 {
					t.Errorf("Identifies()[%d] = limited %v key %d session %q; want limited %v key %d", i, id.RateLimited, id.RateLimitKey, id.SessionID, st.wantLimited, st.wantKey)
				}
			}
			// Stats counts an IDENTIFY once READY is written, so wait.
			st, err := srv.WaitForStats(waitCtx(t), func(st discordtest.Stats) bool { return st.Identifies >= accepted })
			if err != nil || st.RateLimitedIdentifies != len(tt.steps)-accepted || st.Identifies != accepted {
				t.Errorf("Stats() = %+v, %v; want %d identifies, %d rate limited", st, err, accepted, len(tt.steps)-accepted)
			}
		})
	}
}

// TestIdentifyRateLimitDiscordgo starts two discordgo shards in one identify
// bucket at once. discordgo has no identify queue: it answers INVALID_SESSION
// with another IDENTIFY at once, until Discord's limit of 120 commands a
// minute closes the connection with 4008; it then reconnects (after the 1s
// its Close sleeps) and gets in once the window has passed.
func TestIdentifyRateLimitDiscordgo(t *testing.T) {
	t.Parallel()
	const window = 200 * time.Millisecond
	guilds, _, _ := shardedGuilds()
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: guilds, Shards: 2, IdentifyWindow: window})
	s0 := shardSession(t, srv, 0, 2)
	s1 := shardSession(t, srv, 1, 2)
	t.Cleanup(func() { closeSessions(t, srv, s0, s1) })
	if err := s0.Open(); err != nil {
		t.Fatalf("Open shard 0: %v", err)
	}
	// Open returns once the gateway has answered IDENTIFY, READY or not.
	if err := s1.Open(); err != nil {
		t.Fatalf("Open shard 1: %v", err)
	}
	if err := srv.WaitForShard(waitCtx(t), 1, 2); err != nil {
		t.Fatal(err)
	}
	var ready []discordtest.Identify
	limited := 0
	for _, id := range srv.Identifies() {
		switch {
		case id.Accepted():
			ready = append(ready, id)
		case id.RateLimited:
			limited++
			if id.ShardID != 1 || id.RateLimitKey != 0 {
				t.Errorf("rate limited IDENTIFY of shard %d key %d; want shard 1, key 0", id.ShardID, id.RateLimitKey)
			}
		}
	}
	if len(ready) != 2 || ready[0].ShardID != 0 || ready[1].ShardID != 1 {
		t.Fatalf("accepted IDENTIFYs %+v; want shard 0, then shard 1", ready)
	}
	if gap := ready[1].Time.Sub(ready[0].Time); gap < window {
		t.Errorf("shard 1 accepted %v after shard 0; want at least the %v window", gap, window)
	}
	if limited == 0 {
		t.Errorf("no IDENTIFY was rate limited; want shard 1's first ones")
	}
}

func TestGatewayCommandLimit(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	g := dialGateway(t, srv)
	g.identify(srv.Token(), testIntents, nil)
	if _, got, code := g.answer(); got != "READY" {
		t.Fatalf("IDENTIFY answered %q, close %d", got, code)
	}
	// Heartbeats do not count; the IDENTIFY and 119 presence updates make
	// the 120 commands a minute Discord allows.
	for range 150 {
		g.send(1, nil)
	}
	presence := map[string]any{"since": nil, "activities": []any{}, "status": "online", "afk": false}
	for range 119 {
		g.send(3, presence)
	}
	g.send(1, nil)
	acks := 0
	if _, code := g.until(func(p rawPayload) bool {
		if p.Op == 11 {
			acks++
		}
		return acks == 151
	}); code != 0 {
		t.Fatalf("closed with %d after 120 commands; want it open", code)
	}
	g.send(3, presence)
	if _, code := g.until(func(rawPayload) bool { return false }); code != 4008 {
		t.Errorf("121st command: close %d; want 4008", code)
	}
	if st := srv.Stats(); !slices.Contains(st.CloseCodes, 4008) {
		t.Errorf("CloseCodes = %v; want 4008", st.CloseCodes)
	}
}

func TestGatewayBot(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name             string
		opts             discordtest.Options
		shards, maxConc  int
		total, identifys int
	}{
		{"defaults", discordtest.Options{}, 1, 1, 1000, 0},
		{"large bot", discordtest.Options{Shards: 16, MaxConcurrency: 16, SessionStartLimit: 2000}, 16, 16, 2000, 0},
		{"after two sessions", discordtest.Options{MaxConcurrency: 2}, 1, 2, 1000, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, tt.opts)
			for i := range tt.identifys {
				g := dialGateway(t, srv)
				g.identify(srv.Token(), testIntents, &[2]int{i, tt.identifys})
				if _, got, _ := g.answer(); got != "READY" {
					t.Fatalf("IDENTIFY %d answered %q", i, got)
				}
			}
			s, _ := discordgo.New("Bot " + srv.Token()) // REST only, never opened
			s.Client = clientFor(srv)
			gb, err := s.GatewayBot()
			if err != nil {
				t.Fatalf("GatewayBot: %v", err)
			}
			// discordgo appends a slash to the URL.
			if strings.TrimSuffix(gb.URL, "/") != srv.GatewayURL() || gb.Shards != tt.shards {
				t.Errorf("GatewayBot() url %q shards %d; want %q, %d", gb.URL, gb.Shards, srv.GatewayURL(), tt.shards)
			}
			l := gb.SessionStartLimit
			if l.Total != tt.total || l.Remaining != tt.total-tt.identifys || l.MaxConcurrency != tt.maxConc || l.ResetAfter <= 0 || l.ResetAfter > 24*3600*1000 {
				t.Errorf("session_start_limit = %+v; want total %d, remaining %d, max_concurrency %d", l, tt.total, tt.total-tt.identifys, tt.maxConc)
			}
		})
	}
}

// shardSession returns a discordgo session for shard id of count, not yet
// opened; the test closes it (closeSessions).
func shardSession(t *testing.T, srv *discordtest.Server, id, count int) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = clientFor(srv)
	s.Identify.Intents = testIntents
	s.ShardID, s.ShardCount = id, count
	return s
}

// closeSessions closes several sessions of srv and waits until the server
// has seen every connection close (closeSession does this for one).
func closeSessions(t *testing.T, srv *discordtest.Server, ss ...*discordgo.Session) {
	t.Helper()
	for _, s := range ss {
		waitHeartbeating(s)
		sessionClosers.Add(1)
		go func() {
			defer sessionClosers.Done()
			_ = s.Close()
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if _, err := srv.WaitForStats(ctx, func(st discordtest.Stats) bool { return st.OpenConnections == 0 }); err != nil {
		t.Errorf("sessions did not close: %v", err)
	}
}

// openShard opens a discordgo session for shard id of count and waits for
// its READY; it returns the session and the READY.
func openShard(t *testing.T, srv *discordtest.Server, id, count int) (*discordgo.Session, *discordgo.Ready) {
	t.Helper()
	s := shardSession(t, srv, id, count)
	t.Cleanup(func() { closeSessions(t, srv, s) })
	ready := make(chan *discordgo.Ready, 1)
	s.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := s.Open(); err != nil {
		t.Fatalf("Open shard %d: %v", id, err)
	}
	return s, receive(t, ready, "READY")
}

func TestShardRouting(t *testing.T) {
	t.Parallel()
	guilds, ch0, ch1 := shardedGuilds()
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: guilds, Shards: 2, MaxConcurrency: 2, NoEcho: true})
	type got struct {
		shard int
		what  string
	}
	events := make(chan got, 100)
	var sessions []*discordgo.Session
	t.Cleanup(func() { closeSessions(t, srv, sessions...) })
	for k := range 2 {
		s := shardSession(t, srv, k, 2)
		s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { events <- got{k, "GUILD_CREATE " + g.ID} })
		s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			events <- got{k, "MESSAGE_CREATE " + m.ChannelID}
		})
		s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
			events <- got{k, "INTERACTION_CREATE " + i.ChannelID}
		})
		ready := make(chan *discordgo.Ready, 1)
		s.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
		if err := s.Open(); err != nil {
			t.Fatalf("Open shard %d: %v", k, err)
		}
		r := receive(t, ready, "READY")
		if len(r.Guilds) != 1 || r.Shard == nil || *r.Shard != [2]int{k, 2} {
			t.Errorf("shard %d READY: %d guilds, shard %v; want 1 guild, [%d 2]", k, len(r.Guilds), r.Shard, k)
		}
		if e := receive(t, events, "GUILD_CREATE"); e != (got{k, "GUILD_CREATE " + guilds[k].ID}) {
			t.Errorf("after shard %d READY: %+v; want its own guild's GUILD_CREATE", k, e)
		}
		sessions = append(sessions, s)
	}
	registerCommands(t, sessions[0], srv)
	button, err := sessions[1].ChannelMessageSendComplex(ch1, &discordgo.MessageSend{
		Content:    "pick",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Go", CustomID: "go"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	dm := srv.DMChannelID(discordtest.DefaultUserID)
	for _, tt := range []struct {
		name string
		do   func() error
		want got
	}{
		{"message in shard 0's guild", func() error {
			_, err := srv.SendMessage(discordtest.UserMessage{ChannelID: ch0, Content: "hi", MentionBot: true})
			return err
		}, got{0, "MESSAGE_CREATE " + ch0}},
		{"message in shard 1's guild", func() error {
			_, err := srv.SendMessage(discordtest.UserMessage{ChannelID: ch1, Content: "hi", MentionBot: true})
			return err
		}, got{1, "MESSAGE_CREATE " + ch1}},
		{"DM", func() error {
			_, err := srv.SendMessage(discordtest.UserMessage{DM: true, Content: "hi"})
			return err
		}, got{0, "MESSAGE_CREATE " + dm}},
		{"command in shard 1's guild", func() error {
			_, err := srv.SendCommand(discordtest.Command{Name: "help", ChannelID: ch1})
			return err
		}, got{1, "INTERACTION_CREATE " + ch1}},
		{"command in shard 0's guild", func() error {
			_, err := srv.SendCommand(discordtest.Command{Name: "help", ChannelID: ch0})
			return err
		}, got{0, "INTERACTION_CREATE " + ch0}},
		{"command in DM", func() error {
			_, err := srv.SendCommand(discordtest.Command{Name: "help", DM: true})
			return err
		}, got{0, "INTERACTION_CREATE " + dm}},
		{"button in shard 1's guild", func() error {
			_, err := srv.ClickComponent(discordtest.ComponentClick{MessageID: button.ID, CustomID: "go"})
			return err
		}, got{1, "INTERACTION_CREATE " + ch1}},
	} {
		before := srv.Sessions()
		if err := tt.do(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		// Delivery is synchronous: the other shard's log is final now.
		after := srv.Sessions()
		for k := range 2 {
			added := after[k].Dispatches[len(before[k].Dispatches):]
			wantAdded := 0
			if k == tt.want.shard {
				wantAdded = 1
			}
			if len(added) != wantAdded {
				t.Errorf("%s: shard %d was sent %v; want %d event", tt.name, k, added, wantAdded)
			}
		}
		if e := receive(t, events, tt.name); e != tt.want {
			t.Errorf("%s: discordgo got %+v; want %+v", tt.name, e, tt.want)
		}
	}
}

func TestShardMissing(t *testing.T) {
	t.Parallel()
	guilds, ch0, ch1 := shardedGuilds()
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: guilds, Shards: 2})
	openShard(t, srv, 1, 2)
	for _, tt := range []struct {
		name string
		um   discordtest.UserMessage
		want error
	}{
		{"shard 1's guild", discordtest.UserMessage{ChannelID: ch1, Content: "x"}, nil},
		{"shard 0's guild", discordtest.UserMessage{ChannelID: ch0, Content: "x"}, discordtest.ErrNoSession},
		{"DM needs shard 0", discordtest.UserMessage{DM: true, Content: "x"}, discordtest.ErrNoSession},
	} {
		if _, err := srv.SendMessage(tt.um); !errors.Is(err, tt.want) {
			t.Errorf("%s: SendMessage = %v; want %v", tt.name, err, tt.want)
		}
	}
}

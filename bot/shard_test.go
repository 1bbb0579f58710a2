package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot"
	"lectern/bot/discordtest"
)

// The tests here run sharded bots (issue 9) against a test server serving
// several shards, with a short identify window so that they stay fast.

// shardWindow is the identify window of the sharding tests' servers and
// bots (Discord's is 5 s).
const shardWindow = 100 * time.Millisecond

// shardServer returns a server recommending n shards, with one guild per
// shard, and the channel of each guild by shard.
func shardServer(t *testing.T, n int, so discordtest.Options) (*discordtest.Server, []string) {
	t.Helper()
	channels := make([]string, n)
	for i := range n {
		g := discordtest.ShardGuildID(i, n, 0)
		channels[i] = discordtest.ShardGuildID(i, n, 1)
		so.Guilds = append(so.Guilds, discordtest.Guild{ID: g, Name: "shard guild", Channels: []discordtest.Channel{{ID: channels[i], Name: "general"}}})
	}
	so.Shards = n
	if so.IdentifyWindow == 0 {
		so.IdentifyWindow = shardWindow
	}
	if so.HeartbeatInterval == 0 {
		so.HeartbeatInterval = time.Second
	}
	return discordtest.NewServer(t, so), channels
}

// waitShards waits until the server has a session for each of the shards.
func (h *harness) waitShards(count int, ids ...int) {
	h.t.Helper()
	for _, id := range ids {
		if err := h.srv.WaitForShard(h.ctx(), id, count); err != nil {
			h.t.Fatalf("shard %d of %d: %v\nbot log:\n%s", id, count, err, h.logs)
		}
	}
}

// replySender returns the API base path ("/api/v9" or "/api/v10") of the
// one request that posted a message in channel, which tells the bots of a
// test apart.
func replySender(t *testing.T, srv *discordtest.Server, channel string) string {
	t.Helper()
	var paths []string
	for _, r := range srv.Requests() {
		if r.Route == "POST /channels/{channel_id}/messages" && r.Params["channel_id"] == channel {
			paths = append(paths, r.Path)
		}
	}
	if len(paths) != 1 {
		t.Fatalf("%d messages posted in %s; want 1: %q", len(paths), channel, paths)
	}
	return apiBase(paths[0])
}

// interactionSender returns the API base path of the requests that
// answered interaction in (its callback and edits); it fails the test if
// two bots did.
func interactionSender(t *testing.T, srv *discordtest.Server, in *discordgo.Interaction) string {
	t.Helper()
	base := ""
	for _, r := range srv.Requests() {
		if r.Params["interaction_id"] != in.ID && r.Params["interaction_token"] != in.Token {
			continue
		}
		if b := apiBase(r.Path); base != "" && b != base {
			t.Fatalf("interaction %s answered through %s and %s", in.ID, base, b)
		} else {
			base = b
		}
	}
	return base
}

func apiBase(path string) string {
	parts := strings.SplitN(path, "/", 4)
	if len(parts) < 3 {
		return path
	}
	return "/" + parts[1] + "/" + parts[2]
}

// TestShardsOneProcess runs both shards of a bot in one process, the count
// read from GET /gateway/bot (shards: auto): it answers mentions in a
// guild of each shard, and direct messages (shard 0's), and both shards,
// sharing one identify bucket, identify a window apart without meeting
// the rate limit.
func TestShardsOneProcess(t *testing.T) {
	t.Parallel()
	srv, channels := shardServer(t, 2, discordtest.Options{MaxConcurrency: 1})
	h := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 0, IdentifyWindow: shardWindow})
	h.waitShards(2, 0, 1)
	h.waitLogs("Discord recommends a shard count", `"shards":2`)
	h.waitLogs("all shards connected")
	h.waitRequest(func(r discordtest.Request) bool { return r.Method == "PUT" && r.Status == 200 })
	for deadline := time.Now().Add(5 * time.Second); !h.bot.Connected(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Connected() = false with both shards connected")
		}
	}

	for i, ch := range channels {
		q := h.send(discordtest.UserMessage{ChannelID: ch, MentionBot: true, Content: "Where was Stalin buried?"})
		t.Run(fmt.Sprint("shard ", i), func(t *testing.T) { checkBurialAnswer(t, h.with(t).replyTo(q.ID)) })
	}
	dm := h.send(discordtest.UserMessage{DM: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(dm.ID))

	sessions := srv.Sessions()
	if len(sessions) != 2 {
		t.Fatalf("%d sessions; want 2: %+v", len(sessions), sessions)
	}
	for i, s := range sessions {
		if s.ShardID != i || s.NumShards != 2 || !s.Sharded {
			t.Errorf("session %d is shard [%d, %d] (sharded %v); want [%d, 2]", i, s.ShardID, s.NumShards, s.Sharded, i)
		}
		if !slices.Contains(s.Dispatches, "MESSAGE_CREATE") {
			t.Errorf("shard %d got no MESSAGE_CREATE: %q", i, s.Dispatches)
		}
	}
	ids := srv.Identifies()
	if len(ids) != 2 {
		t.Fatalf("%d IDENTIFYs; want 2: %+v", len(ids), ids)
	}
	for _, id := range ids {
		if id.RateLimited || !id.Accepted() {
			t.Errorf("IDENTIFY of shard %d: rate limited %v, accepted %v; want accepted", id.ShardID, id.RateLimited, id.Accepted())
		}
	}
	if gap := ids[1].Time.Sub(ids[0].Time); ids[0].ShardID != 0 || gap < shardWindow {
		t.Errorf("shard %d identified first, and the next %v later; want shard 0 first, then at least %v", ids[0].ShardID, gap, shardWindow)
	}
}

// TestShardIdentifyPacing: with max_concurrency 2, shards 0 and 1 (keys 0
// and 1) identify at once and shards 2 and 3 a window later; no IDENTIFY
// meets the rate limit.
func TestShardIdentifyPacing(t *testing.T) {
	t.Parallel()
	srv, _ := shardServer(t, 4, discordtest.Options{MaxConcurrency: 2, RequireSharding: true})
	h := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 4, IdentifyWindow: shardWindow})
	h.waitShards(4, 0, 1, 2, 3)
	h.waitLogs("sharding", `"max_concurrency":2`)
	if st := srv.Stats(); st.RateLimitedIdentifies != 0 {
		t.Errorf("%d IDENTIFYs rate limited; want 0", st.RateLimitedIdentifies)
	}
	at := map[int]time.Time{}
	for _, id := range srv.Identifies() {
		if !id.Accepted() {
			t.Errorf("IDENTIFY of shard %v not accepted (close %d, rate limited %v)", id.Shard, id.CloseCode, id.RateLimited)
		}
		at[id.ShardID] = id.Time
	}
	for _, pair := range [][2]int{{0, 2}, {1, 3}} {
		if gap := at[pair[1]].Sub(at[pair[0]]); gap < shardWindow {
			t.Errorf("shard %d identified %v after shard %d, of the same key; want at least %v", pair[1], gap, pair[0], shardWindow)
		}
	}
	if !raceEnabled {
		if gap := at[1].Sub(at[0]).Abs(); gap >= shardWindow {
			t.Errorf("shards 0 and 1, of different keys, identified %v apart; want together", gap)
		}
	}
}

// TestShardsTwoProcesses runs the two shards of a bot in two processes
// (two Bots, told apart by the API base they send requests to): each
// answers the messages and /ask of its own guild only, direct messages go
// to shard 0's, and only that one registers the commands. The second
// process starts while the first one's identify window is open, as two
// processes started together do: Discord answers its IDENTIFY with
// INVALID_SESSION, and it identifies again after the window.
func TestShardsTwoProcesses(t *testing.T) {
	t.Parallel()
	const window = 150 * time.Millisecond
	srv, channels := shardServer(t, 2, discordtest.Options{MaxConcurrency: 1, IdentifyWindow: window, RequireSharding: true})
	first := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 2, ShardIDs: []int{0}, IdentifyWindow: window})
	first.waitShards(2, 0)
	second := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 2, ShardIDs: []int{1}, IdentifyWindow: window, APIURL: srv.URL() + "/api/v10"})
	second.waitShards(2, 1)
	first.waitRequest(func(r discordtest.Request) bool { return r.Method == "PUT" && r.Status == 200 })
	first.waitLogs("this process runs shard 0: registering the slash commands")
	second.waitLogs("not registering slash commands")
	// discordgo runs handlers concurrently: a message right after READY
	// may be handled before READY is, before the bot knows its own ID.
	second.waitLogs("all shards connected")

	// The rate limited IDENTIFY and the pause after it.
	var accepted []discordtest.Identify
	limited := 0
	for _, id := range srv.Identifies() {
		switch {
		case id.RateLimited:
			limited++
			if id.ShardID != 1 {
				t.Errorf("IDENTIFY of shard %d rate limited; want only shard 1's", id.ShardID)
			}
		case id.Accepted():
			accepted = append(accepted, id)
		}
	}
	if limited != 1 || len(accepted) != 2 {
		t.Fatalf("%d IDENTIFYs rate limited, %d accepted; want 1 and 2 (the second process started within the window): %+v", limited, len(accepted), srv.Identifies())
	}
	if gap := accepted[1].Time.Sub(accepted[0].Time); gap < window {
		t.Errorf("shard 1 identified %v after shard 0; want at least the window, %v", gap, window)
	}
	second.waitLogs("Discord invalidated the session", `"shard":1`)

	sender := map[string]string{srv.APIURL()[len(srv.URL()):]: "first", "/api/v10": "second"}
	want := []string{"first", "second"}
	for i, ch := range channels {
		q := first.send(discordtest.UserMessage{ChannelID: ch, MentionBot: true, Content: "Where was Stalin buried?"})
		checkBurialAnswer(t, first.replyTo(q.ID))
		in := first.command(discordtest.Command{Name: "ask", ChannelID: ch, Options: askCommand("Where was Stalin buried?", false).Options}, edited)
		checkBurialAnswer(t, in.Original)
		if got := sender[replySender(t, srv, ch)]; got != want[i] {
			t.Errorf("the mention in shard %d's guild was answered by the %s process; want the %s", i, got, want[i])
		}
		if got := sender[interactionSender(t, srv, in.Interaction)]; got != want[i] {
			t.Errorf("/ask in shard %d's guild was answered by the %s process; want the %s", i, got, want[i])
		}
	}
	dm := first.send(discordtest.UserMessage{DM: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, first.replyTo(dm.ID))
	if got := sender[replySender(t, srv, srv.DMChannelID(discordtest.DefaultUserID))]; got != "first" {
		t.Errorf("the direct message was answered by the %s process; want the first (shard 0)", got)
	}
	for _, r := range srv.Requests() {
		if r.Method == "PUT" && apiBase(r.Path) != "/api/v9" {
			t.Errorf("the process without shard 0 registered commands: %s", r)
		}
	}
}

// TestShardingRefused: Discord refusing the shards ends Run at once with
// an error saying what to set.
func TestShardingRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		opts   bot.Options
		want   error
		substr string
	}{
		{"not sharded", bot.Options{Shards: 1}, bot.ErrShardingRequired, "set discord.shards to auto or a number"},
		{"wrong count", bot.Options{Shards: 3}, bot.ErrInvalidShard, "the same discord.shards"},
		{"auto with a shard beyond it", bot.Options{Shards: 0, ShardIDs: []int{2}}, bot.ErrInvalidShard, "lists shard 2, but Discord recommends 2 shards"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := shardServer(t, 2, discordtest.Options{RequireSharding: true})
			logs := &syncBuffer{}
			tt.opts.Token, tt.opts.APIURL = srv.Token(), srv.APIURL()
			tt.opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
			tt.opts.IdentifyWindow = shardWindow
			b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = b.Run(ctx)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("Run = %v; want %v saying %q", err, tt.want, tt.substr)
			}
			if _, err := srv.WaitForStats(waitCtx(t), func(s discordtest.Stats) bool { return s.OpenConnections == 0 }); err != nil {
				t.Errorf("connections left open: %v", err)
			}
		})
	}
}

// TestShardStartCancelled: cancelling while a shard waits for the identify
// window (Discord's 5 s here) makes Run return nil within a second, with
// the shard already connected closed.
func TestShardStartCancelled(t *testing.T) {
	t.Parallel()
	srv, _ := shardServer(t, 2, discordtest.Options{IdentifyWindow: discordtest.DefaultIdentifyWindow})
	logs := &syncBuffer{}
	b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: srv.Token(), APIURL: srv.APIURL(), Shards: 2,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	if err := srv.WaitForShard(waitCtx(t), 0, 2); err != nil {
		t.Fatal(err)
	}
	if b.Connected() {
		t.Error("Connected() with one shard of two; want false")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v after cancel; want nil", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not return within a second of cancel")
	}
	if _, err := srv.WaitForStats(waitCtx(t), func(s discordtest.Stats) bool { return s.OpenConnections == 0 }); err != nil {
		t.Errorf("connections left open: %v", err)
	}
	if n := len(srv.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs; want 1 (shard 1 waits for the window)", n)
	}
}

// TestSessionStartLimit: with no session starts left, Run says so and
// waits for the reset instead of identifying.
func TestSessionStartLimit(t *testing.T) {
	t.Parallel()
	srv, _ := shardServer(t, 2, discordtest.Options{SessionStartLimit: 1})
	first := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 2, ShardIDs: []int{0}, IdentifyWindow: shardWindow})
	first.waitShards(2, 0)
	second := runBot(t, srv, bot.CoreOptions{}, bot.Options{Shards: 2, ShardIDs: []int{1}, IdentifyWindow: shardWindow})
	line := second.waitLogs("not enough session starts left today")
	if !strings.Contains(line, `"total":1`) || !strings.Contains(line, `"reset_in":"2`) {
		t.Errorf("log line %s; want the total and the reset time", line)
	}
	if n := len(srv.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs; want 1", n)
	}
}

// TestOneShard: Shards 1 connects as an unsharded bot always has: no GET
// /gateway/bot, an IDENTIFY without a shard.
func TestOneShard(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{Shards: 1}, discordtest.Options{})
	for _, r := range h.srv.Requests() {
		if strings.HasSuffix(r.Path, "/gateway/bot") {
			t.Errorf("asked %s; want no GET /gateway/bot", r)
		}
	}
	if ids := h.srv.Identifies(); len(ids) != 1 || ids[0].Shard != nil {
		t.Errorf("IDENTIFYs %+v; want one without a shard", ids)
	}
	if lines := h.logLines("shard"); len(lines) != 0 {
		t.Errorf("log lines about shards: %q", lines)
	}
}

// TestNewShardOptions: New refuses shard options that cannot work.
func TestNewShardOptions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		shards int
		ids    []int
		want   string
	}{
		{-1, nil, "-1 shards"},
		{2, []int{2}, "shard ID 2 is out of range: with 2 shards, IDs go from 0 to 1"},
		{0, []int{-1}, "shard ID -1 is negative"},
		{4, []int{3, 1, 3}, "shard ID 3 is listed twice"},
	} {
		_, err := bot.New(newCore(t, &syncBuffer{}, bot.CoreOptions{}), bot.Options{Token: "t", Shards: tt.shards, ShardIDs: tt.ids})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(Shards: %d, ShardIDs: %v) = %v; want an error saying %q", tt.shards, tt.ids, err, tt.want)
		}
	}
}

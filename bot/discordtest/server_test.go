package discordtest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"lectern/bot/discordtest"
)

const testIntents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

func TestOpenReadyAndGuildCreate(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{BotUsername: "lectern-test"})
	s := newSession(t, srv, srv.Token(), testIntents)
	ready := make(chan *discordgo.Ready, 1)
	guilds := make(chan *discordgo.GuildCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	if err := s.Open(); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	r := receive(t, ready, "READY")
	if r.User == nil || r.User.ID != srv.BotUser().ID || !r.User.Bot || r.User.Username != "lectern-test" {
		t.Errorf("READY user = %+v; want bot %s", r.User, srv.BotUser().ID)
	}
	if r.SessionID == "" || r.Version != 9 {
		t.Errorf("READY session_id = %q, v = %d; want non-empty, 9", r.SessionID, r.Version)
	}
	if r.Application == nil || r.Application.ID != srv.ApplicationID() {
		t.Errorf("READY application = %+v; want id %s", r.Application, srv.ApplicationID())
	}
	// discordgo's state overwrites READY's guild objects from GUILD_CREATE
	// (*g = *guild), so reading them here would race: count them only.
	if len(r.Guilds) != 1 {
		t.Errorf("READY has %d guilds; want 1", len(r.Guilds))
	}
	g := receive(t, guilds, "GUILD_CREATE")
	if g.ID != discordtest.DefaultGuildID || len(g.Channels) != 1 || g.Channels[0].ID != discordtest.DefaultChannelID {
		t.Errorf("GUILD_CREATE = %+v; want guild %s with channel %s", g.Guild, discordtest.DefaultGuildID, discordtest.DefaultChannelID)
	}
	ids := srv.Identifies()
	if len(ids) != 1 || ids[0].Intents != testIntents || !ids[0].Compress || ids[0].CloseCode != 0 {
		t.Errorf("Identifies() = %+v; want one with intents %d, compress true", ids, testIntents)
	}
	if strings.Contains(string(ids[0].Raw), srv.Token()) {
		t.Errorf("Identify.Raw contains the token: %s", ids[0].Raw)
	}
	if st := srv.Stats(); st.Connections != 1 || st.Identifies != 1 || st.OpenConnections != 1 {
		t.Errorf("Stats() = %+v; want 1 connection, 1 identify, 1 open", st)
	}
	// discordgo heartbeats at once; the ACK keeps it connected.
	if _, err := srv.WaitForStats(waitCtx(t), func(st discordtest.Stats) bool { return st.Heartbeats >= 1 }); err != nil {
		t.Errorf("no heartbeat: %v", err)
	}
}

func TestChannelMessageAllowedMentions(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)

	quiet, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &discordgo.MessageSend{
		Content:         "hello <@42> @everyone",
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	})
	if err != nil {
		t.Fatalf("ChannelMessageSendComplex: %v", err)
	}
	if quiet.ID == "" || quiet.ChannelID != discordtest.DefaultChannelID || quiet.Author.ID != srv.BotUser().ID {
		t.Errorf("message = %+v; want id, channel %s, bot author", quiet, discordtest.DefaultChannelID)
	}
	if len(quiet.Mentions) != 0 || quiet.MentionEveryone {
		t.Errorf("mentions = %v, everyone = %v with parse:[]; want none", quiet.Mentions, quiet.MentionEveryone)
	}
	loud, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "hello <@42>")
	if err != nil {
		t.Fatalf("ChannelMessageSend: %v", err)
	}
	if len(loud.Mentions) != 1 || loud.Mentions[0].ID != "42" {
		t.Errorf("mentions without allowed_mentions = %v; want user 42", loud.Mentions)
	}

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() has %d entries; want 2", len(reqs))
	}
	var body map[string]json.RawMessage
	if err := reqs[0].Decode(&body); err != nil {
		t.Fatal(err)
	}
	// discordgo marshals an empty Parse slice as [] and always sends replied_user.
	if got, want := string(body["allowed_mentions"]), `{"parse":[],"replied_user":false}`; got != want {
		t.Errorf("allowed_mentions = %s; want %s", got, want)
	}
	var body2 map[string]json.RawMessage
	if err := reqs[1].Decode(&body2); err != nil {
		t.Fatal(err)
	}
	if _, ok := body2["allowed_mentions"]; ok {
		t.Errorf("second body has allowed_mentions; discordgo omits a nil field")
	}
	if reqs[0].Route != "POST /channels/{channel_id}/messages" || reqs[0].Header.Get("Authorization") != "" || !reqs[0].Authorized {
		t.Errorf("request = %+v; want route, authorized, auth header removed", reqs[0])
	}
	if got := srv.Messages(); len(got) != 2 || got[0].ID != quiet.ID || got[1].Content != "hello <@42>" {
		t.Errorf("Messages() = %v; want the two sent", got)
	}

	reply, err := s.ChannelMessageSendReply(discordtest.DefaultChannelID, "reply", quiet.Reference())
	if err != nil {
		t.Fatalf("ChannelMessageSendReply: %v", err)
	}
	if reply.Type != discordgo.MessageTypeReply || reply.MessageReference == nil || reply.MessageReference.MessageID != quiet.ID {
		t.Errorf("reply type %d reference %+v; want reply to %s", reply.Type, reply.MessageReference, quiet.ID)
	}
	_, err = s.ChannelMessageSendReply(discordtest.DefaultChannelID, "reply", &discordgo.MessageReference{MessageID: "1"})
	if status, code := restCode(err); status != 400 || code != 50035 {
		t.Errorf("reply to unknown message: status %d code %d; want 400 50035", status, code)
	}
}

func TestInteractionRoundTrip(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	registerCommands(t, s, srv)

	secondErr := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommand || i.ApplicationCommandData().Name != "ask" {
			return
		}
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		}); err != nil {
			t.Errorf("InteractionRespond: %v", err)
			return
		}
		secondErr <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "again"},
		})
		q := i.ApplicationCommandData().GetOption("question").StringValue()
		content := "You asked: " + q
		if _, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content}); err != nil {
			t.Errorf("InteractionResponseEdit: %v", err)
		}
		if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "more", Flags: discordgo.MessageFlagsEphemeral}); err != nil {
			t.Errorf("FollowupMessageCreate: %v", err)
		}
	})

	in, err := srv.SendCommand(discordtest.Command{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "what is a lectern?"},
	}})
	if err != nil {
		t.Fatalf("SendCommand: %v", err)
	}
	if in.ID == "" || in.Token == "" || in.AppID != srv.ApplicationID() || in.Member == nil || in.Member.User.ID != discordtest.DefaultUserID {
		t.Errorf("interaction = %+v; want id, token, app id, member", in)
	}
	rec, err := srv.WaitForInteraction(waitCtx(t), in.ID, func(r discordtest.InteractionRecord) bool {
		return r.Edits >= 1 && len(r.Followups) >= 1
	})
	if err != nil {
		t.Fatalf("WaitForInteraction: %v", err)
	}
	if rec.Response.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("response type = %d; want 5", rec.Response.Type)
	}
	if rec.Original == nil || rec.Original.Content != "You asked: what is a lectern?" || rec.Original.Flags&discordgo.MessageFlagsLoading != 0 {
		t.Errorf("original = %+v; want edited content, not loading", rec.Original)
	}
	if f := rec.Followups[0]; f.Content != "more" || f.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("follow-up = %+v; want ephemeral \"more\"", f)
	}
	if status, code := restCode(receive(t, secondErr, "second response")); status != 400 || code != 40060 {
		t.Errorf("second response: status %d code %d; want 400 40060", status, code)
	}
	if _, err := srv.SendCommand(discordtest.Command{Name: "nope"}); !errors.Is(err, discordtest.ErrUnknownCommand) {
		t.Errorf("SendCommand(nope) = %v; want ErrUnknownCommand", err)
	}
	if _, err := srv.SendCommand(discordtest.Command{Name: "ask"}); !errors.Is(err, discordtest.ErrInvalidOptions) {
		t.Errorf("SendCommand(ask without question) = %v; want ErrInvalidOptions", err)
	}
}

func TestAutocompleteChoices(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	registerCommands(t, s, srv)

	errs := make(chan error, 2)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			return
		}
		focused := i.ApplicationCommandData().Options[0]
		var choices []*discordgo.ApplicationCommandOptionChoice
		for n := range 26 {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprintf("%s %d", focused.StringValue(), n), Value: fmt.Sprint(n)})
		}
		errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices},
		})
		errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices[:25]},
		})
	})
	in, err := srv.SendAutocomplete(discordtest.Autocomplete{Name: "topic", Focused: "name", Value: "gram"})
	if err != nil {
		t.Fatalf("SendAutocomplete: %v", err)
	}
	if status, code := restCode(receive(t, errs, "first response")); status != 400 || code != 50035 {
		t.Errorf("26 choices: status %d code %d; want 400 50035", status, code)
	}
	if err := receive(t, errs, "second response"); err != nil {
		t.Errorf("25 choices: %v", err)
	}
	rec, ok := srv.Interaction(in.ID)
	if !ok || rec.Response == nil || len(rec.Response.Choices) != 25 || rec.Response.Choices[0].Name != "gram 0" {
		t.Errorf("record = %+v; want 25 choices starting with \"gram 0\"", rec.Response)
	}
	var rejected discordtest.Request
	for _, r := range srv.Requests() {
		if r.Status == 400 {
			rejected = r
		}
	}
	if len(rejected.Errors) != 1 || rejected.Errors[0].Path != "data.choices" {
		t.Errorf("rejected request errors = %v; want one at data.choices", rejected.Errors)
	}
	if _, err := srv.SendAutocomplete(discordtest.Autocomplete{Name: "ask", Focused: "question"}); !errors.Is(err, discordtest.ErrInvalidOptions) {
		t.Errorf("autocomplete on an option without it = %v; want ErrInvalidOptions", err)
	}
}

func TestContentLength(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	// Multi-byte runes: the limit counts code points, not bytes.
	if _, err := s.ChannelMessageSend(discordtest.DefaultChannelID, strings.Repeat("é", 2000)); err != nil {
		t.Errorf("2000 code points: %v", err)
	}
	_, err := s.ChannelMessageSend(discordtest.DefaultChannelID, strings.Repeat("é", 2001))
	if status, code := restCode(err); status != 400 || code != 50035 {
		t.Errorf("2001 code points: status %d code %d; want 400 50035", status, code)
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && !strings.Contains(string(re.ResponseBody), `"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`) {
		t.Errorf("error body = %s; want content BASE_TYPE_MAX_LENGTH", re.ResponseBody)
	}
}

func TestRateLimitRetry(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	const wait = 150 * time.Millisecond
	srv.RateLimitNext("POST", "/channels/*/messages", wait, 1)
	limited := make(chan *discordgo.RateLimit, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { limited <- r })

	start := time.Now()
	m, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "after a 429")
	if err != nil {
		t.Fatalf("ChannelMessageSend: %v", err)
	}
	if elapsed := time.Since(start); elapsed < wait {
		t.Errorf("send took %v; want at least %v", elapsed, wait)
	}
	if m.Content != "after a 429" {
		t.Errorf("content = %q", m.Content)
	}
	if rl := receive(t, limited, "RateLimit event"); rl.RetryAfter != wait {
		t.Errorf("discordgo saw retry_after %v; want %v", rl.RetryAfter, wait)
	}
	evs := srv.RateLimits()
	if len(evs) != 1 || evs[0].RetriedAt.IsZero() || evs[0].RetriedAt.Sub(evs[0].ServedAt) < wait {
		t.Errorf("RateLimits() = %+v; want one retried after %v", evs, wait)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 429 || !reqs[0].RateLimited || reqs[1].Status != 200 {
		t.Errorf("requests = %v; want a 429 then a 200", reqs)
	}
	if len(srv.Messages()) != 1 {
		t.Errorf("Messages() has %d; want 1 (the 429 creates nothing)", len(srv.Messages()))
	}
}

func TestWrongToken(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Token: "right"})
	s := newSession(t, srv, "wrong", testIntents)
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 || ce.Text != "Authentication failed." {
		t.Errorf("Open() with a wrong token = %v; want close 4004", err)
	}
	_, err = s.ChannelMessageSend(discordtest.DefaultChannelID, "hi")
	if status, _ := restCode(err); status != 401 {
		t.Errorf("REST with a wrong token: %v; want 401", err)
	}
	if st := srv.Stats(); st.Identifies != 0 || len(st.CloseCodes) != 1 || st.CloseCodes[0] != 4004 {
		t.Errorf("Stats() = %+v; want no identify and close code 4004", st)
	}
}

func TestDisallowedIntents(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents|discordgo.IntentMessageContent)
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Errorf("Open() with MESSAGE_CONTENT not enabled = %v; want close 4014", err)
	}
}

func TestMessageContentIntent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		privileged discordgo.Intent
		intents    discordgo.Intent
		plain      string // content seen for a guild message without mention
	}{
		{"without intent", 0, testIntents, ""},
		{"with intent", discordgo.IntentMessageContent, testIntents | discordgo.IntentMessageContent, "plain words"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{PrivilegedIntents: tt.privileged})
			s := openSession(t, srv, tt.intents)
			got := make(chan *discordgo.MessageCreate, 10)
			s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

			if _, err := srv.SendMessage(discordtest.UserMessage{Content: "plain words"}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, got, "plain message"); m.Content != tt.plain {
				t.Errorf("plain guild message content = %q; want %q", m.Content, tt.plain)
			}
			sent, err := srv.SendMessage(discordtest.UserMessage{Content: "what is BM25?", MentionBot: true})
			if err != nil {
				t.Fatal(err)
			}
			m := receive(t, got, "mention")
			want := "<@" + srv.BotUser().ID + "> what is BM25?"
			if m.Content != want || m.ID != sent.ID || len(m.Mentions) != 1 || m.Mentions[0].ID != srv.BotUser().ID || m.GuildID != discordtest.DefaultGuildID {
				t.Errorf("mention = %q mentions %v guild %q; want %q mentioning the bot", m.Content, m.Mentions, m.GuildID, want)
			}
			if _, err := srv.SendMessage(discordtest.UserMessage{Content: "in private", DM: true}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, got, "DM"); m.Content != "in private" || m.GuildID != "" || m.ChannelID != srv.DMChannelID(discordtest.DefaultUserID) {
				t.Errorf("DM = %+v; want content in the DM channel", m.Message)
			}
			// The bot's own messages come back as MESSAGE_CREATE, as on Discord.
			if _, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "echo"); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, got, "echo"); m.Author.ID != srv.BotUser().ID || m.Content != "echo" {
				t.Errorf("echo = %q by %s; want the bot's own message", m.Content, m.Author.ID)
			}
		})
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	got := make(chan *discordgo.MessageCreate, 10)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

	if n := srv.DropConnections(); n != 1 {
		t.Fatalf("DropConnections() = %d; want 1", n)
	}
	// Sent while the bot is away: queued for the session and replayed on RESUME.
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "while away", MentionBot: true}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitForResume(waitCtx(t), 1); err != nil {
		t.Fatalf("WaitForResume: %v", err)
	}
	if m := receive(t, got, "replayed message"); !strings.HasSuffix(m.Content, "while away") {
		t.Errorf("replayed content = %q", m.Content)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "after", MentionBot: true}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got, "message after resume"); !strings.HasSuffix(m.Content, "after") {
		t.Errorf("content = %q", m.Content)
	}
	st := srv.Stats()
	if st.Connections != 2 || st.Identifies != 1 || st.Resumes != 1 {
		t.Errorf("Stats() = %+v; want 2 connections, 1 identify, 1 resume", st)
	}
}

func TestReconnectRequest(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	got := make(chan *discordgo.MessageCreate, 10)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

	srv.RequestReconnect()
	if err := srv.WaitForResume(waitCtx(t), 1); err != nil {
		t.Fatalf("WaitForResume: %v", err)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "hello again", DM: true}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got, "message after op 7"); m.Content != "hello again" {
		t.Errorf("content = %q", m.Content)
	}
}

func TestInvalidSession(t *testing.T) {
	t.Parallel()
	// discordgo answers op 9 with an IDENTIFY at once, which Discord's
	// identify rate limit refuses within 5s of the first (see
	// TestIdentifyRateLimitDiscordgo); this test is about the session, so
	// the limit is off.
	srv := discordtest.NewServer(t, discordtest.Options{IdentifyWindow: -1})
	s := openSession(t, srv, testIntents)
	got := make(chan *discordgo.MessageCreate, 10)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

	if n := srv.InvalidateSessions(false); n != 1 {
		t.Fatalf("InvalidateSessions() = %d; want 1", n)
	}
	// discordgo answers op 9 with a new IDENTIFY on the same connection.
	if err := srv.WaitForIdentify(waitCtx(t), 2); err != nil {
		t.Fatalf("WaitForIdentify: %v", err)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "new session", DM: true}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got, "message"); m.Content != "new session" {
		t.Errorf("content = %q", m.Content)
	}
	if st := srv.Stats(); st.Connections != 1 {
		t.Errorf("Connections = %d; want 1 (same connection)", st.Connections)
	}
}

func TestButtonClick(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{NoEcho: true})
	s := openSession(t, srv, testIntents)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionMessageComponent {
			return
		}
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "page 2 for " + i.Message.ID},
		})
		if err != nil {
			t.Errorf("InteractionRespond: %v", err)
		}
	})
	m, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &discordgo.MessageSend{
		Content: "page 1",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Next", CustomID: "page:2"},
			discordgo.Button{Label: "Off", CustomID: "off", Disabled: true},
			discordgo.Button{Label: "Docs", Style: discordgo.LinkButton, URL: "https://example.com"},
		}}},
	})
	if err != nil {
		t.Fatalf("send with buttons: %v", err)
	}
	if _, err := srv.ClickComponent(discordtest.ComponentClick{MessageID: m.ID, CustomID: "off"}); !errors.Is(err, discordtest.ErrUnknownMessage) {
		t.Errorf("click on a disabled button = %v; want ErrUnknownMessage", err)
	}
	in, err := srv.ClickComponent(discordtest.ComponentClick{MessageID: m.ID, CustomID: "page:2"})
	if err != nil {
		t.Fatalf("ClickComponent: %v", err)
	}
	if in.Message == nil || in.Message.ID != m.ID || in.MessageComponentData().CustomID != "page:2" {
		t.Errorf("interaction = %+v; want message %s and custom_id page:2", in, m.ID)
	}
	rec, err := srv.WaitForInteraction(waitCtx(t), in.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Original == nil || rec.Original.ID != m.ID || rec.Original.Content != "page 2 for "+m.ID {
		t.Errorf("original = %+v; want message %s updated", rec.Original, m.ID)
	}
	// discordgo's InteractionResponseData always sends "components":null,
	// which clears them, as a PATCH does on Discord.
	if cur, _ := srv.Message(m.ID); len(cur.Components) != 0 || cur.EditedTimestamp == nil {
		t.Errorf("message after update = %+v; want no components, edited", cur)
	}
}

func TestWebhookRoutes(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents)
	registerCommands(t, s, srv)
	in, err := srv.SendCommand(discordtest.Command{Name: "help", DM: true})
	if err != nil {
		t.Fatal(err)
	}
	if in.User == nil || in.Member != nil || in.GuildID != "" {
		t.Errorf("DM interaction user %v member %v guild %q; want user only", in.User, in.Member, in.GuildID)
	}
	content := "too early"
	if _, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content}); err == nil {
		t.Errorf("edit before responding succeeded; want 404")
	} else if status, code := restCode(err); status != 404 || code != 10015 {
		t.Errorf("edit before responding: %d %d; want 404 10015", status, code)
	}
	if _, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "x"}); err == nil {
		t.Errorf("follow-up before responding succeeded; want 404")
	}
	err = s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource})
	if status, code := restCode(err); status != 400 || code != 50006 {
		t.Errorf("empty response: %d %d; want 400 50006", status, code)
	}
	if err := s.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "help text"},
	}); err != nil {
		t.Fatalf("InteractionRespond: %v", err)
	}
	orig, err := s.InteractionResponse(in)
	if err != nil || orig.Content != "help text" || orig.Type != discordgo.MessageTypeChatInputCommand {
		t.Errorf("InteractionResponse = %+v, %v; want help text", orig, err)
	}
	f, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "one"})
	if err != nil {
		t.Fatal(err)
	}
	content = "two"
	if _, err := s.FollowupMessageEdit(in, f.ID, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Errorf("FollowupMessageEdit: %v", err)
	}
	if err := s.FollowupMessageDelete(in, orig.ID); err != nil {
		t.Errorf("delete original by id: %v", err)
	}
	rec, _ := srv.Interaction(in.ID)
	if rec.Original != nil || len(rec.Followups) != 1 || rec.Followups[0].Content != "two" {
		t.Errorf("record original %v followups %v; want deleted original, follow-up \"two\"", rec.Original, rec.Followups)
	}
}

func TestInteractionDeadline(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{InteractionDeadline: 50 * time.Millisecond})
	s := openSession(t, srv, testIntents)
	registerCommands(t, s, srv)
	in, err := srv.SendCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	err = s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if status, code := restCode(err); status != 404 || code != 10062 {
		t.Errorf("late response: %d %d; want 404 10062", status, code)
	}
}

func TestZlibPayloads(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{ZlibPayloads: true})
	s := openSession(t, srv, testIntents)
	got := make(chan *discordgo.MessageCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "compressed", DM: true}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got, "message"); m.Content != "compressed" {
		t.Errorf("content = %q", m.Content)
	}
}

func TestCommandRegistration(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	first := registerCommands(t, s, srv)
	second := registerCommands(t, s, srv)
	if len(first) != 3 || first[0].ID == "" || first[0].ID != second[0].ID || first[0].ApplicationID != srv.ApplicationID() {
		t.Errorf("bulk overwrite = %+v then %+v; want 3 commands keeping their IDs", first, second)
	}
	if got := srv.Commands(""); len(got) != 3 || got[1].Name != "topic" || !got[1].Options[0].Autocomplete {
		t.Errorf("Commands(\"\") = %+v; want ask, topic, help", got)
	}
	guildCmds, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), discordtest.DefaultGuildID, []*discordgo.ApplicationCommand{{Name: "source", Description: "Show a source"}})
	if err != nil || len(guildCmds) != 1 || guildCmds[0].GuildID != discordtest.DefaultGuildID {
		t.Errorf("guild overwrite = %+v, %v", guildCmds, err)
	}
	listed, err := s.ApplicationCommands(srv.ApplicationID(), discordtest.DefaultGuildID)
	if err != nil || len(listed) != 1 || listed[0].Name != "source" {
		t.Errorf("ApplicationCommands(guild) = %+v, %v", listed, err)
	}
	_, err = s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{{Name: "Ask", Description: "bad name"}})
	if status, code := restCode(err); status != 400 || code != 50035 {
		t.Errorf("upper-case name: %d %d; want 400 50035", status, code)
	}
	_, err = s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "999", nil)
	if status, _ := restCode(err); status != 403 {
		t.Errorf("unknown guild: %v; want 403", err)
	}
}

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	_, err := s.GuildMembers(discordtest.DefaultGuildID, "", 10)
	if status, _ := restCode(err); status != 404 {
		t.Errorf("GuildMembers: %v; want 404", err)
	}
	if status, _ := rawCall(t, srv, "PUT", "/channels/"+discordtest.DefaultChannelID+"/messages", map[string]any{}); status != 405 {
		t.Errorf("PUT messages: %d; want 405", status)
	}
	un := srv.Unmatched()
	if len(un) != 2 || !strings.HasPrefix(un[0].Path, "/api/v9/guilds/"+discordtest.DefaultGuildID+"/members") {
		t.Errorf("Unmatched() = %v; want the two calls", un)
	}
	req, err := srv.WaitForRequest(waitCtx(t), func(r discordtest.Request) bool { return r.Status == 405 })
	if err != nil || req.Method != "PUT" {
		t.Errorf("WaitForRequest = %v, %v", req, err)
	}
}

func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	srv.GlobalRateLimitNext("", "/channels/*/typing", 50*time.Millisecond, 2)
	if err := s.ChannelTyping(discordtest.DefaultChannelID); err != nil {
		t.Fatalf("ChannelTyping: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Status != 429 || reqs[1].Status != 429 || reqs[2].Status != 204 {
		t.Errorf("requests = %v; want 429, 429, 204", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Response, &body); err != nil || body["global"] != true || body["retry_after"] != 0.05 {
		t.Errorf("429 body = %s; want global true, retry_after 0.05", reqs[0].Response)
	}
}

func TestReplyToBot(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := openSession(t, srv, testIntents) // no MESSAGE_CONTENT
	got := make(chan *discordgo.MessageCreate, 10)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		if !m.Author.Bot {
			got <- m
		}
	})
	answer, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "an answer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "thanks", ReplyTo: answer.ID}); err != nil {
		t.Fatal(err)
	}
	m := receive(t, got, "reply")
	if m.Content != "thanks" || m.ReferencedMessage == nil || m.ReferencedMessage.ID != answer.ID {
		t.Errorf("reply = %q referencing %v; want content and the bot's message", m.Content, m.ReferencedMessage)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{Content: "quietly", ReplyTo: answer.ID, ReplyWithoutPing: true}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got, "reply without ping"); m.Content != "" || len(m.Mentions) != 0 {
		t.Errorf("reply without ping = %q mentions %v; want hidden content", m.Content, m.Mentions)
	}
}

func TestCloseConnectionsCode(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	openSession(t, srv, testIntents)
	if n := srv.CloseConnections(4000, "Unknown error."); n != 1 {
		t.Fatalf("CloseConnections() = %d; want 1", n)
	}
	// discordgo reconnects and resumes whatever the close code.
	if err := srv.WaitForResume(waitCtx(t), 1); err != nil {
		t.Fatalf("WaitForResume: %v", err)
	}
	if st := srv.Stats(); len(st.CloseCodes) != 1 || st.CloseCodes[0] != 4000 {
		t.Errorf("CloseCodes = %v; want [4000]", st.CloseCodes)
	}
}

func TestEditDeleteMessage(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv, srv.Token(), testIntents)
	m, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &discordgo.MessageSend{
		Content: "with a file",
		Files:   []*discordgo.File{{Name: "notes.txt", ContentType: "text/plain", Reader: strings.NewReader("hello")}},
	})
	if err != nil {
		t.Fatalf("send with file: %v", err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "notes.txt" {
		t.Errorf("attachments = %v; want notes.txt", m.Attachments)
	}
	var payload struct {
		Content string `json:"content"`
	}
	if err := srv.Requests()[0].Decode(&payload); err != nil || payload.Content != "with a file" {
		t.Errorf("multipart payload_json = %+v, %v", payload, err)
	}

	edited, err := s.ChannelMessageEdit(discordtest.DefaultChannelID, m.ID, "edited")
	if err != nil || edited.Content != "edited" || edited.EditedTimestamp == nil {
		t.Errorf("ChannelMessageEdit = %+v, %v; want edited content and timestamp", edited, err)
	}
	// Clearing the content leaves the attachment, so the message is not empty...
	empty := ""
	if _, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: discordtest.DefaultChannelID, ID: m.ID, Content: &empty}); err != nil {
		t.Errorf("edit to attachment only: %v", err)
	}
	// ...until the attachments go too.
	_, err = s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: discordtest.DefaultChannelID, ID: m.ID, Attachments: &[]*discordgo.MessageAttachment{}})
	if status, code := restCode(err); status != 400 || code != 50006 {
		t.Errorf("edit to an empty message: %d %d; want 400 50006", status, code)
	}
	userMsg, err := srv.SendMessage(discordtest.UserMessage{Content: "mine"})
	if !errors.Is(err, discordtest.ErrNoSession) || userMsg == nil {
		t.Errorf("SendMessage without a session = %v, %v; want the message and ErrNoSession", userMsg, err)
	}
	_, err = s.ChannelMessageEdit(discordtest.DefaultChannelID, userMsg.ID, "not yours")
	if status, code := restCode(err); status != 403 || code != 50005 {
		t.Errorf("edit a user's message: %d %d; want 403 50005", status, code)
	}
	if err := s.ChannelMessageDelete(discordtest.DefaultChannelID, m.ID); err != nil {
		t.Errorf("ChannelMessageDelete: %v", err)
	}
	if _, ok := srv.Message(m.ID); ok {
		t.Errorf("Message(%s) still found after delete", m.ID)
	}
	_, err = s.ChannelMessage(discordtest.DefaultChannelID, m.ID)
	if status, code := restCode(err); status != 404 || code != 10008 {
		t.Errorf("get deleted message: %d %d; want 404 10008", status, code)
	}
	_, err = s.ChannelMessageSend("999", "nowhere")
	if status, code := restCode(err); status != 404 || code != 10003 {
		t.Errorf("send to unknown channel: %d %d; want 404 10003", status, code)
	}
	dm, err := s.UserChannelCreate(discordtest.DefaultUserID)
	if err != nil || dm.ID != srv.DMChannelID(discordtest.DefaultUserID) || dm.Type != discordgo.ChannelTypeDM {
		t.Errorf("UserChannelCreate = %+v, %v; want the DM channel", dm, err)
	}
}

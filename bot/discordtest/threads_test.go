package discordtest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

const (
	forumID   = "1100000000000000110"
	oldPostID = "1100000000000000111" // a forum post that exists before the bot connects
)

// threadGuilds is the default guild plus a forum channel with one post.
func threadGuilds() []discordtest.Guild {
	return []discordtest.Guild{{
		ID:   discordtest.DefaultGuildID,
		Name: "Lectern Test Guild",
		Channels: []discordtest.Channel{
			{ID: discordtest.DefaultChannelID, Name: "general"},
			{ID: forumID, Name: "questions", Type: discordgo.ChannelTypeGuildForum},
			{ID: oldPostID, Name: "an old question", Type: discordgo.ChannelTypeGuildPublicThread, ParentID: forumID},
		},
	}}
}

// dispatchedSince returns the dispatches session 0 was sent after the first
// n.
func dispatchedSince(srv *discordtest.Server, n int) []string {
	ss := srv.Sessions()
	if len(ss) == 0 {
		return nil
	}
	return ss[0].Dispatches[n:]
}

func dispatchCount(srv *discordtest.Server) int { return len(dispatchedSince(srv, 0)) }

func TestForumPost(t *testing.T) {
	t.Parallel()
	const question = "what does the preface say?"
	for _, tt := range []struct {
		name       string
		privileged discordgo.Intent
		intents    discordgo.Intent
		mention    bool
		wantEvents []string
		wantText   string // content seen in MESSAGE_CREATE
	}{
		{"no MESSAGE_CONTENT", 0, testIntents, false, []string{"THREAD_CREATE", "MESSAGE_CREATE"}, ""},
		{"bot mentioned", 0, testIntents, true, []string{"THREAD_CREATE", "MESSAGE_CREATE"}, "<@" + discordtest.DefaultApplicationID + "> " + question},
		{"MESSAGE_CONTENT", discordgo.IntentMessageContent, testIntents | discordgo.IntentMessageContent, false, []string{"THREAD_CREATE", "MESSAGE_CREATE"}, question},
		{"no GUILDS", 0, discordgo.IntentGuildMessages, true, []string{"MESSAGE_CREATE"}, "<@" + discordtest.DefaultApplicationID + "> " + question},
		{"no GUILD_MESSAGES", 0, discordgo.IntentGuilds, true, []string{"THREAD_CREATE"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{Guilds: threadGuilds(), PrivilegedIntents: tt.privileged})
			s := openSession(t, srv, tt.intents)
			threads := make(chan *discordgo.ThreadCreate, 1)
			messages := make(chan *discordgo.MessageCreate, 1)
			s.AddHandler(func(_ *discordgo.Session, c *discordgo.ThreadCreate) { threads <- c })
			s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { messages <- m })
			before := dispatchCount(srv)

			th, m, err := srv.CreateForumPost(discordtest.ForumPost{ForumID: forumID, Name: "Preface", Content: question, MentionBot: tt.mention})
			if err != nil {
				t.Fatalf("CreateForumPost: %v", err)
			}
			if th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != forumID || th.GuildID != discordtest.DefaultGuildID || th.Name != "Preface" || th.ThreadMetadata == nil {
				t.Errorf("thread = %+v; want a public thread of forum %s", th, forumID)
			}
			if m.ID != th.ID || m.ChannelID != th.ID || m.GuildID != discordtest.DefaultGuildID {
				t.Errorf("starter message id %s channel %s guild %s; want %s, %s, %s", m.ID, m.ChannelID, m.GuildID, th.ID, th.ID, discordtest.DefaultGuildID)
			}
			if got := dispatchedSince(srv, before); !slices.Equal(got, tt.wantEvents) {
				t.Errorf("dispatched %v; want %v", got, tt.wantEvents)
			}
			if slices.Contains(tt.wantEvents, "THREAD_CREATE") {
				c := receive(t, threads, "THREAD_CREATE")
				if c.ID != th.ID || !c.NewlyCreated || c.ParentID != forumID || c.Type != discordgo.ChannelTypeGuildPublicThread {
					t.Errorf("THREAD_CREATE = %+v, newly_created %v; want thread %s of forum %s", c.Channel, c.NewlyCreated, th.ID, forumID)
				}
			}
			if slices.Contains(tt.wantEvents, "MESSAGE_CREATE") {
				got := receive(t, messages, "MESSAGE_CREATE")
				if got.ID != th.ID || got.ChannelID != th.ID || got.GuildID != discordtest.DefaultGuildID || got.Content != tt.wantText {
					t.Errorf("MESSAGE_CREATE id %s channel %s guild %s content %q; want %s in %s, content %q", got.ID, got.ChannelID, got.GuildID, got.Content, th.ID, th.ID, tt.wantText)
				}
			}
		})
	}
}

func TestForumReplies(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: threadGuilds(), NoEcho: true})
	s := newSession(t, srv, srv.Token(), testIntents)
	guilds := make(chan *discordgo.GuildCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	interactions := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { interactions <- i })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if g := receive(t, guilds, "GUILD_CREATE"); len(g.Threads) != 1 || g.Threads[0].ID != oldPostID || len(g.Channels) != 2 {
		t.Errorf("GUILD_CREATE threads %v, %d channels; want the old post, 2 channels", g.Threads, len(g.Channels))
	}
	registerCommands(t, s, srv)
	th, q, err := srv.CreateForumPost(discordtest.ForumPost{ForumID: forumID, Content: "where?", MentionBot: true})
	if err != nil {
		t.Fatal(err)
	}

	answer, err := s.ChannelMessageSendReply(th.ID, "here", q.Reference())
	if err != nil {
		t.Fatalf("reply in the post: %v", err)
	}
	if answer.ChannelID != th.ID || answer.GuildID != discordtest.DefaultGuildID || answer.MessageReference == nil || answer.MessageReference.MessageID != q.ID {
		t.Errorf("reply = channel %s guild %s reference %+v; want in %s replying to %s", answer.ChannelID, answer.GuildID, answer.MessageReference, th.ID, q.ID)
	}
	if got, _ := srv.Channel(th.ID); got.MessageCount != 1 || got.LastMessageID != answer.ID {
		t.Errorf("thread message_count %d last %s; want 1, %s", got.MessageCount, got.LastMessageID, answer.ID)
	}
	thanks, err := srv.SendMessage(discordtest.UserMessage{ChannelID: th.ID, Content: "thanks", ReplyTo: answer.ID})
	if err != nil {
		t.Fatalf("user reply in the post: %v", err)
	}
	if ref := thanks.MessageReference; ref == nil || ref.MessageID != answer.ID || ref.ChannelID != th.ID || ref.GuildID != discordtest.DefaultGuildID || thanks.GuildID != discordtest.DefaultGuildID {
		t.Errorf("user reply guild %s reference %+v; want a reply to %s in %s", thanks.GuildID, ref, answer.ID, th.ID)
	}
	if got, err := s.Channel(th.ID); err != nil || got.Type != discordgo.ChannelTypeGuildPublicThread || got.ParentID != forumID || got.OwnerID != discordtest.DefaultUserID {
		t.Errorf("GET thread = %+v, %v; want a public thread of the forum, owned by the user", got, err)
	}
	if err := s.ChannelTyping(th.ID); err != nil {
		t.Errorf("typing in the post: %v", err)
	}
	_, err = s.ChannelMessageSend(forumID, "to the forum itself")
	if status, code := restCode(err); status != 400 || code != 50008 {
		t.Errorf("message to the forum: %d %d; want 400 50008", status, code)
	}
	if status, code := restCode(s.ChannelTyping(forumID)); status != 400 || code != 50008 {
		t.Errorf("typing in the forum: %d %d; want 400 50008", status, code)
	}
	if _, err := srv.SendMessage(discordtest.UserMessage{ChannelID: forumID, Content: "x"}); !errors.Is(err, discordtest.ErrNotTextChannel) {
		t.Errorf("SendMessage to the forum = %v; want ErrNotTextChannel", err)
	}
	if _, err := srv.SendCommand(discordtest.Command{Name: "help", ChannelID: forumID}); !errors.Is(err, discordtest.ErrNotTextChannel) {
		t.Errorf("SendCommand in the forum = %v; want ErrNotTextChannel", err)
	}
	in, err := srv.SendCommand(discordtest.Command{Name: "help", ChannelID: th.ID})
	if err != nil {
		t.Fatalf("SendCommand in the post: %v", err)
	}
	got := receive(t, interactions, "INTERACTION_CREATE")
	if got.ID != in.ID || got.ChannelID != th.ID || got.GuildID != discordtest.DefaultGuildID {
		t.Errorf("interaction in the post: channel %s guild %s; want the thread", got.ChannelID, got.GuildID)
	}
	if err := s.InteractionRespond(got.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "help"},
	}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := srv.Interaction(in.ID); rec.Original == nil || rec.Original.ChannelID != th.ID {
		t.Errorf("response %+v; want a message in the post", rec.Original)
	}
}

func TestCreateThread(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		spec      discordtest.ThreadSpec
		fromMsg   bool // start from a message posted first
		wantType  discordgo.ChannelType
		wantSeen  bool // THREAD_CREATE, messages and REST access
		wantErr   error
		wantOwner string
	}{
		{"public from a message", discordtest.ThreadSpec{Name: "about this"}, true, discordgo.ChannelTypeGuildPublicThread, true, nil, discordtest.DefaultUserID},
		{"public", discordtest.ThreadSpec{Name: "chat"}, false, discordgo.ChannelTypeGuildPublicThread, true, nil, discordtest.DefaultUserID},
		{"private, bot left out", discordtest.ThreadSpec{Private: true}, false, discordgo.ChannelTypeGuildPrivateThread, false, nil, discordtest.DefaultUserID},
		{"private, bot added", discordtest.ThreadSpec{Private: true, AddBot: true, Author: discordtest.User{ID: "1100000000000000205", Username: "asker"}}, false, discordgo.ChannelTypeGuildPrivateThread, true, nil, "1100000000000000205"},
		{"private from a message", discordtest.ThreadSpec{Private: true}, true, 0, false, discordtest.ErrUnknownMessage, ""},
		{"in a forum", discordtest.ThreadSpec{ChannelID: forumID}, false, 0, false, discordtest.ErrNotTextChannel, ""},
		{"in a thread", discordtest.ThreadSpec{ChannelID: oldPostID}, false, 0, false, discordtest.ErrNotTextChannel, ""},
		{"unknown parent", discordtest.ThreadSpec{ChannelID: "404"}, false, 0, false, discordtest.ErrUnknownChannel, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{Guilds: threadGuilds(), PrivilegedIntents: discordgo.IntentMessageContent})
			s := openSession(t, srv, testIntents|discordgo.IntentMessageContent)
			if tt.fromMsg {
				m, err := srv.SendMessage(discordtest.UserMessage{Content: "start here"})
				if err != nil {
					t.Fatal(err)
				}
				tt.spec.FromMessage = m.ID
			}
			before := dispatchCount(srv)
			th, err := srv.CreateThread(tt.spec)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CreateThread(%+v) = %v; want %v", tt.spec, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if th.Type != tt.wantType || th.ParentID != discordtest.DefaultChannelID || th.OwnerID != tt.wantOwner {
				t.Errorf("thread type %d parent %s owner %s; want %d, %s, %s", th.Type, th.ParentID, th.OwnerID, tt.wantType, discordtest.DefaultChannelID, tt.wantOwner)
			}
			if tt.fromMsg && th.ID != tt.spec.FromMessage {
				t.Errorf("thread id %s; want the message's, %s", th.ID, tt.spec.FromMessage)
			}
			if _, err := srv.SendMessage(discordtest.UserMessage{ChannelID: th.ID, Content: "inside"}); err != nil {
				t.Fatalf("SendMessage in the thread: %v", err)
			}
			want := []string{}
			if tt.wantSeen {
				want = []string{"THREAD_CREATE", "MESSAGE_CREATE"}
			}
			if got := dispatchedSince(srv, before); !slices.Equal(got, want) {
				t.Errorf("dispatched %v; want %v", got, want)
			}
			_, err = s.ChannelMessageSend(th.ID, "bot answer")
			_, getErr := s.Channel(th.ID)
			if tt.wantSeen && (err != nil || getErr != nil) {
				t.Errorf("bot send, get in the thread: %v, %v; want success", err, getErr)
			}
			if !tt.wantSeen {
				if status, code := restCode(err); status != 403 || code != 50001 {
					t.Errorf("bot send in an unseen private thread: %d %d; want 403 50001", status, code)
				}
				if status, _ := restCode(getErr); status != 403 {
					t.Errorf("bot get of an unseen private thread: %v; want 403", getErr)
				}
			}
			if list := srv.Threads(discordtest.DefaultGuildID); len(list) != 2 || list[0].ID != oldPostID || list[1].ID != th.ID {
				t.Errorf("Threads() has %d threads; want the old post and %s", len(list), th.ID)
			}
			if tt.fromMsg {
				if _, err := srv.CreateThread(tt.spec); !errors.Is(err, discordtest.ErrUnknownMessage) {
					t.Errorf("second thread from message %s: %v; want ErrUnknownMessage", tt.spec.FromMessage, err)
				}
			}
		})
	}
}

func TestBotThreadRoutes(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: threadGuilds()})
	s := openSession(t, srv, testIntents)
	q, err := srv.SendMessage(discordtest.UserMessage{Content: "a long question", MentionBot: true})
	if err != nil {
		t.Fatal(err)
	}
	before := dispatchCount(srv)
	th, err := s.MessageThreadStart(discordtest.DefaultChannelID, q.ID, "Answer", 60)
	if err != nil {
		t.Fatalf("MessageThreadStart: %v", err)
	}
	if th.ID != q.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != discordtest.DefaultChannelID || th.OwnerID != srv.BotUser().ID || th.ThreadMetadata.AutoArchiveDuration != 60 {
		t.Errorf("thread = %+v; want public thread %s owned by the bot, archiving after 60", th, q.ID)
	}
	if got := dispatchedSince(srv, before); !slices.Equal(got, []string{"THREAD_CREATE"}) {
		t.Errorf("dispatched %v; want the THREAD_CREATE echo", got)
	}
	_, err = s.MessageThreadStart(discordtest.DefaultChannelID, q.ID, "Again", 60)
	if status, code := restCode(err); status != 400 || code != 160004 {
		t.Errorf("second thread from one message: %d %d; want 400 160004", status, code)
	}
	if m, err := s.ChannelMessageSend(th.ID, "in the thread"); err != nil || m.ChannelID != th.ID {
		t.Errorf("send in own thread = %+v, %v", m, err)
	}
	private, err := s.ThreadStart(discordtest.DefaultChannelID, "Private by default", 0, 0)
	if err != nil || private.Type != discordgo.ChannelTypeGuildPrivateThread {
		t.Errorf("ThreadStart without type = %+v, %v; want a private thread (type 12)", private, err)
	}
	public, err := s.ThreadStartComplex(discordtest.DefaultChannelID, &discordgo.ThreadStart{Name: "Public", Type: discordgo.ChannelTypeGuildPublicThread})
	if err != nil || public.Type != discordgo.ChannelTypeGuildPublicThread || public.ID == q.ID {
		t.Errorf("ThreadStartComplex(type 11) = %+v, %v; want a new public thread", public, err)
	}
	post, err := s.ForumThreadStartComplex(forumID, &discordgo.ThreadStart{Name: "FAQ"}, &discordgo.MessageSend{
		Content: "read this first",
		Files:   []*discordgo.File{{Name: "faq.txt", ContentType: "text/plain", Reader: strings.NewReader("faq")}},
	})
	if err != nil {
		t.Fatalf("ForumThreadStartComplex: %v", err)
	}
	if post.ParentID != forumID || post.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("forum post = %+v; want a public thread of the forum", post)
	}
	if m, ok := srv.Message(post.ID); !ok || m.ChannelID != post.ID || m.Content != "read this first" || len(m.Attachments) != 1 {
		t.Errorf("forum post message = %+v; want the starter message with the file, id %s", m, post.ID)
	}

	long := strings.Repeat("n", 101)
	for _, tt := range []struct {
		name     string
		path     string
		body     any
		status   int
		code     int
		errorsAt string // field of a 50035
	}{
		{"message to a forum", "/channels/" + forumID + "/messages", map[string]any{"content": "x"}, 400, 50008, ""},
		{"forum post without message", "/channels/" + forumID + "/threads", map[string]any{"name": "x"}, 400, 50035, "message"},
		{"forum post with empty message", "/channels/" + forumID + "/threads", map[string]any{"name": "x", "message": map[string]any{"content": ""}}, 400, 50006, ""},
		{"forum post content too long", "/channels/" + forumID + "/threads", map[string]any{"name": "x", "message": map[string]any{"content": strings.Repeat("a", 2001)}}, 400, 50035, "message"},
		{"no name", "/channels/" + discordtest.DefaultChannelID + "/threads", map[string]any{"type": 11}, 400, 50035, "name"},
		{"name too long", "/channels/" + discordtest.DefaultChannelID + "/threads", map[string]any{"name": long, "type": 11}, 400, 50035, "name"},
		{"bad archive duration", "/channels/" + discordtest.DefaultChannelID + "/threads", map[string]any{"name": "x", "auto_archive_duration": 30}, 400, 50035, "auto_archive_duration"},
		{"not a thread type", "/channels/" + discordtest.DefaultChannelID + "/threads", map[string]any{"name": "x", "type": 0}, 400, 50035, "type"},
		{"thread in a thread", "/channels/" + th.ID + "/threads", map[string]any{"name": "x"}, 400, 50024, ""},
		{"thread from a forum message", "/channels/" + forumID + "/messages/" + q.ID + "/threads", map[string]any{"name": "x"}, 400, 50024, ""},
		{"thread from an unknown message", "/channels/" + discordtest.DefaultChannelID + "/messages/1/threads", map[string]any{"name": "x"}, 404, 10008, ""},
		{"unknown channel", "/channels/1/threads", map[string]any{"name": "x"}, 404, 10003, ""},
	} {
		status, body := rawCall(t, srv, "POST", tt.path, tt.body)
		code, _ := body["code"].(float64)
		if status != tt.status || int(code) != tt.code {
			t.Errorf("%s: %d %v; want %d %d", tt.name, status, body, tt.status, tt.code)
			continue
		}
		if tt.errorsAt != "" {
			if errs, _ := body["errors"].(map[string]any); errs[tt.errorsAt] == nil {
				t.Errorf("%s: errors %v; want one at %s", tt.name, body["errors"], tt.errorsAt)
			}
		}
	}
}

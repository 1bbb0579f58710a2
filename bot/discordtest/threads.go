package discordtest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Thread settings Discord accepts and defaults to.
var archiveDurations = []int{60, 1440, 4320, 10080}

const (
	defaultArchiveDuration = 4320
	maxThreadName          = 100
	maxRateLimitPerUser    = 21600
)

// ThreadSpec describes a thread a user starts in a text channel, for
// CreateThread.
type ThreadSpec struct {
	// ChannelID is the text channel the thread belongs to; empty means the
	// first text channel of the first guild.
	ChannelID string
	// Name is the thread's name; empty means "thread".
	Name string
	// FromMessage, if set, starts a public thread from that message of the
	// channel, and the thread takes the message's ID, as on Discord. A
	// message starts at most one thread.
	FromMessage string
	// Private makes a private thread (type 12) rather than a public one
	// (type 11). A private thread cannot start from a message.
	Private bool
	// AddBot makes the bot a member of the thread. The test bot lacks
	// MANAGE_THREADS, so it sees a private thread (THREAD_CREATE, its
	// messages, REST access) only as a member; public threads it sees
	// either way.
	AddBot bool
	// Author starts the thread; the zero value means DefaultUserID.
	Author User
}

// ForumPost describes a post a user creates in a forum channel, for
// CreateForumPost.
type ForumPost struct {
	// ForumID is the forum channel (type 15) posted in.
	ForumID string
	// Name is the post's title, the thread's name; empty means "post".
	Name string
	// Content is the text of the post's first message; Content and
	// MentionBot work as in UserMessage.
	Content    string
	MentionBot bool
	// Author posts; the zero value means DefaultUserID.
	Author User
}

// CreateThread starts a thread as a user does in the client and dispatches
// THREAD_CREATE (with newly_created: true) to the sessions of the guild's
// shard that have the GUILDS intent, unless the bot cannot see the thread
// (a private thread without AddBot). Later SendMessage calls with the
// thread's ID post in it. It returns the thread as the bot would get it
// from GET /channels/{id}, ErrUnknownChannel or ErrNotTextChannel for a
// bad parent, ErrUnknownMessage for a bad FromMessage, and ErrNoSession if
// the event was due but no session of the shard exists.
func (s *Server) CreateThread(ts ThreadSpec) (*discordgo.Channel, error) {
	s.mu.Lock()
	author := s.defaultUser(ts.Author)
	s.users[author.ID] = author
	parent, err := s.resolveChannelLocked(ts.ChannelID, false, author)
	if err == nil && (parent.dm || parent.isThread()) {
		err = fmt.Errorf("%w: threads start in guild text channels, not in %s", ErrNotTextChannel, parent.id)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	id := ""
	switch {
	case ts.FromMessage != "" && ts.Private:
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: a private thread cannot start from a message", ErrUnknownMessage)
	case ts.FromMessage != "":
		m, ok := s.messages[ts.FromMessage]
		if !ok || m.deleted || m.channelID != parent.id {
			s.mu.Unlock()
			return nil, fmt.Errorf("%w: message %s in channel %s", ErrUnknownMessage, ts.FromMessage, parent.id)
		}
		if _, taken := s.channels[m.id]; taken {
			s.mu.Unlock()
			return nil, fmt.Errorf("%w: message %s already started a thread", ErrUnknownMessage, m.id)
		}
		id = m.id
	default:
		id = s.ids.next()
	}
	typ := discordgo.ChannelTypeGuildPublicThread
	if ts.Private {
		typ = discordgo.ChannelTypeGuildPrivateThread
	}
	name := ts.Name
	if name == "" {
		name = "thread"
	}
	th := s.newThreadLocked(id, name, typ, parent, author.ID, ts.AddBot, defaultArchiveDuration)
	ev := s.threadCreateEventLocked(th)
	live := s.routableLocked(th.guildID)
	out := s.decodeChannelLocked(th)
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("dispatch: THREAD_CREATE %s in %s", th.id, parent.id)
	if !ev.unseen && !live {
		return out, ErrNoSession
	}
	s.deliverMessageEvents([]messageEvent{ev})
	return out, nil
}

// CreateForumPost creates a post in a forum channel as a user does: a public
// thread (type 11) whose parent is the forum, and its first message, which
// has the thread's ID. It dispatches THREAD_CREATE (newly_created: true, to
// sessions with GUILDS) and then MESSAGE_CREATE in the thread (to sessions
// with GUILD_MESSAGES, content blank without MESSAGE_CONTENT unless the bot
// is mentioned), both only to the shard owning the guild. It returns the
// thread and the message, ErrUnknownChannel or ErrNotTextChannel if
// ForumID is not a forum channel, and ErrNoSession if no session of the
// shard exists.
func (s *Server) CreateForumPost(p ForumPost) (*discordgo.Channel, *discordgo.Message, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, ErrClosed
	}
	forum, ok := s.channels[p.ForumID]
	if !ok {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("%w: %s", ErrUnknownChannel, p.ForumID)
	}
	if forum.typ != discordgo.ChannelTypeGuildForum {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("%w: %s is not a forum channel", ErrNotTextChannel, p.ForumID)
	}
	author := s.defaultUser(p.Author)
	s.users[author.ID] = author
	name := p.Name
	if name == "" {
		name = "post"
	}
	content := p.Content
	if p.MentionBot {
		content = "<@" + s.botUser.ID + "> " + content
	}
	th := s.newThreadLocked(s.ids.next(), name, discordgo.ChannelTypeGuildPublicThread, forum, author.ID, false, defaultArchiveDuration)
	m := &message{id: th.id, channelID: th.id, guildID: th.guildID, author: author, content: content, createdAt: th.createdAt}
	s.computeMentionsLocked(m, nil)
	s.storeMessageLocked(m)
	evs := []messageEvent{s.threadCreateEventLocked(th), s.messageEventLocked("MESSAGE_CREATE", m)}
	outThread, outMsg := s.decodeChannelLocked(th), s.decodeMessageLocked(m)
	live := s.routableLocked(th.guildID)
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("dispatch: THREAD_CREATE %s and MESSAGE_CREATE in forum %s", th.id, forum.id)
	if !live {
		return outThread, outMsg, ErrNoSession
	}
	s.deliverMessageEvents(evs)
	return outThread, outMsg, nil
}

// Channel returns the current state of a channel the server knows, a
// thread (with message_count and last_message_id) or any other, as GET
// /channels/{id} returns it, and false if it is unknown.
func (s *Server) Channel(id string) (*discordgo.Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return nil, false
	}
	return s.decodeChannelLocked(ch), true
}

// Threads returns the threads of guildID, oldest first, bot-created ones
// and those the bot cannot see included.
func (s *Server) Threads(guildID string) []*discordgo.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.guilds[guildID]
	if !ok {
		return nil
	}
	out := make([]*discordgo.Channel, 0, len(g.threads))
	for _, id := range g.threads {
		out = append(out, s.decodeChannelLocked(s.channels[id]))
	}
	return out
}

func (s *Server) newThreadLocked(id, name string, typ discordgo.ChannelType, parent *channelState, ownerID string, botMember bool, archive int) *channelState {
	th := &channelState{
		id:           id,
		name:         name,
		guildID:      parent.guildID,
		typ:          typ,
		parentID:     parent.id,
		ownerID:      ownerID,
		botMember:    botMember || ownerID == s.botUser.ID,
		createdAt:    time.Now(),
		archiveAfter: archive,
	}
	s.channels[id] = th
	g := s.guilds[parent.guildID]
	g.threads = append(g.threads, id)
	return th
}

// threadCreateEventLocked builds the THREAD_CREATE dispatch for a new thread.
func (s *Server) threadCreateEventLocked(th *channelState) messageEvent {
	w := s.threadWireLocked(th)
	w["newly_created"] = true
	b, _ := json.Marshal(w)
	return messageEvent{event: "THREAD_CREATE", guildID: th.guildID, intent: discordgo.IntentGuilds, unseen: !th.botSees(), full: b}
}

// threadWireLocked renders a thread channel object.
func (s *Server) threadWireLocked(c *channelState) map[string]any {
	created := timestamp(c.createdAt)
	meta := map[string]any{
		"archived":              false,
		"auto_archive_duration": c.archiveAfter,
		"archive_timestamp":     created,
		"locked":                false,
		"create_timestamp":      created,
	}
	if c.typ == discordgo.ChannelTypeGuildPrivateThread {
		meta["invitable"] = true
	}
	members := 1
	if c.botMember && c.ownerID != s.botUser.ID {
		members++
	}
	var last any
	if c.lastMessageID != "" {
		last = c.lastMessageID
	}
	w := map[string]any{
		"id":                  c.id,
		"type":                int(c.typ),
		"guild_id":            c.guildID,
		"parent_id":           c.parentID,
		"owner_id":            c.ownerID,
		"name":                c.name,
		"last_message_id":     last,
		"rate_limit_per_user": 0,
		"flags":               0,
		"message_count":       c.messages,
		"total_message_sent":  c.messages,
		"member_count":        members,
		"thread_metadata":     meta,
	}
	if p, ok := s.channels[c.parentID]; ok && p.typ == discordgo.ChannelTypeGuildForum {
		w["applied_tags"] = []any{}
	}
	if c.botMember {
		w["member"] = map[string]any{"id": c.id, "user_id": s.botUser.ID, "join_timestamp": created, "flags": 1}
	}
	return w
}

func (s *Server) decodeChannelLocked(c *channelState) *discordgo.Channel {
	var out discordgo.Channel
	b, _ := json.Marshal(s.channelWireLocked(c, 0))
	_ = json.Unmarshal(b, &out)
	return &out
}

// threadBody is the body of the thread creation routes.
type threadBody struct {
	name     string
	typ      discordgo.ChannelType
	archive  int
	message  json.RawMessage // forum posts only
	hasMsg   bool
	typeSeen bool
}

// parseThreadBody validates a Start Thread body: name (1-100), and
// auto_archive_duration, rate_limit_per_user and type when present.
func parseThreadBody(fe *formErrors, raw json.RawMessage) threadBody {
	tb := threadBody{archive: defaultArchiveDuration}
	var fields map[string]json.RawMessage
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if !fe.decode("", raw, &fields) {
		return tb
	}
	if v, ok := fields["name"]; !ok || isNull(v) {
		fe.add("name", "BASE_TYPE_REQUIRED", "This field is required")
	} else if fe.decode("name", v, &tb.name) {
		if n := runes(tb.name); n < 1 || n > maxThreadName {
			fe.add("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", maxThreadName)
		}
	}
	if v, ok := fields["auto_archive_duration"]; ok && !isNull(v) {
		if fe.decode("auto_archive_duration", v, &tb.archive) && !containsInt(archiveDurations, tb.archive) {
			fe.add("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
		}
	}
	if v, ok := fields["rate_limit_per_user"]; ok && !isNull(v) {
		var n int
		if fe.decode("rate_limit_per_user", v, &n) && (n < 0 || n > maxRateLimitPerUser) {
			fe.add("rate_limit_per_user", "NUMBER_TYPE_MAX", "int value should be less than or equal to %d.", maxRateLimitPerUser)
		}
	}
	if v, ok := fields["type"]; ok && !isNull(v) {
		tb.typeSeen = fe.decode("type", v, &tb.typ)
	}
	if v, ok := fields["message"]; ok && !isNull(v) {
		tb.message, tb.hasMsg = v, true
	}
	return tb
}

// threadParentLocked resolves the {channel_id} of a thread creation route.
func (s *Server) threadParentLocked(c *call) (*channelState, *reply) {
	ch, ok := s.channels[c.params["channel_id"]]
	if !ok {
		return nil, errorReplyPtr(404, 10003, "Unknown Channel")
	}
	if !ch.botSees() {
		r := missingAccessReply()
		return nil, &r
	}
	if ch.dm || ch.isThread() {
		return nil, errorReplyPtr(400, 50024, "Cannot execute action on this channel type")
	}
	return ch, nil
}

// startThreadFromMessage handles POST /channels/{id}/messages/{id}/threads:
// a public thread with the message's ID, created by the bot.
func (s *Server) startThreadFromMessage(c *call) reply {
	parent, r := s.threadParentLocked(c)
	if r != nil {
		return *r
	}
	if !parent.takesMessages() {
		return errorReply(400, 50024, "Cannot execute action on this channel type")
	}
	m, r := s.channelMessageLocked(c)
	if r != nil {
		return *r
	}
	if _, taken := s.channels[m.id]; taken {
		return errorReply(400, 160004, "A thread has already been created for this message")
	}
	var fe formErrors
	tb := parseThreadBody(&fe, c.payload)
	if len(fe) > 0 {
		return formReply(fe)
	}
	th := s.newThreadLocked(m.id, tb.name, discordgo.ChannelTypeGuildPublicThread, parent, s.botUser.ID, true, tb.archive)
	c.events = append(c.events, s.threadCreateEventLocked(th))
	s.notifyLocked()
	return jsonReply(201, s.threadWireLocked(th))
}

// startThread handles POST /channels/{id}/threads: in a text channel a
// thread without a message (private unless type says 11, as in API v9 and
// v10); in a forum channel a post, whose message is required.
func (s *Server) startThread(c *call) reply {
	parent, r := s.threadParentLocked(c)
	if r != nil {
		return *r
	}
	var fe formErrors
	tb := parseThreadBody(&fe, c.payload)
	if parent.typ == discordgo.ChannelTypeGuildForum {
		return s.startForumPostLocked(c, parent, tb, fe)
	}
	typ := discordgo.ChannelTypeGuildPrivateThread
	if tb.typeSeen {
		typ = tb.typ
		if typ != discordgo.ChannelTypeGuildPublicThread && typ != discordgo.ChannelTypeGuildPrivateThread {
			fe.add("type", "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
		}
	}
	if len(fe) > 0 {
		return formReply(fe)
	}
	th := s.newThreadLocked(s.ids.next(), tb.name, typ, parent, s.botUser.ID, true, tb.archive)
	c.events = append(c.events, s.threadCreateEventLocked(th))
	s.notifyLocked()
	return jsonReply(201, s.threadWireLocked(th))
}

// startForumPostLocked creates a forum post for the bot: the thread and its
// first message, which shares the thread's ID. The reply is the thread with
// the message nested, as on Discord.
func (s *Server) startForumPostLocked(c *call, forum *channelState, tb threadBody, fe formErrors) reply {
	if !tb.hasMsg {
		fe.add("message", "BASE_TYPE_REQUIRED", "This field is required")
	}
	in := parseMessage(&fe, "message", tb.message)
	if len(fe) > 0 {
		return formReply(fe)
	}
	id := s.ids.next()
	m := &message{id: id, channelID: id, guildID: forum.guildID, author: s.botUser, createdAt: c.now}
	m.apply(in, c.files, s.ids.next)
	m.flags &^= flagEphemeral | flagLoading
	if m.empty() {
		return emptyMessageReply()
	}
	th := s.newThreadLocked(id, tb.name, discordgo.ChannelTypeGuildPublicThread, forum, s.botUser.ID, true, tb.archive)
	s.computeMentionsLocked(m, in.allowedMentions)
	s.storeMessageLocked(m)
	c.events = append(c.events, s.threadCreateEventLocked(th))
	s.echoLocked(c, "MESSAGE_CREATE", m)
	s.notifyLocked()
	w := s.threadWireLocked(th)
	w["message"] = json.RawMessage(s.renderMessageLocked(m, true))
	return jsonReply(201, w)
}

package discordtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// UserMessage describes a message a user posts, for SendMessage.
type UserMessage struct {
	// ChannelID is the channel posted in. Empty means the first channel of
	// the first configured guild, unless DM is set.
	ChannelID string
	// DM posts in the DM channel between Author and the bot; ChannelID is
	// then ignored.
	DM bool
	// Author is the user posting; the zero value means DefaultUserID.
	Author User
	// Content is the message text. Mentions written as <@id> are resolved
	// into the mentions array as Discord does.
	Content string
	// MentionBot prefixes Content with "<@botID> ".
	MentionBot bool
	// ReplyTo is the ID of a message in the same channel that this message
	// replies to. The replied-to author is mentioned (a reply ping), so a
	// reply to the bot counts as mentioning it, unless ReplyWithoutPing.
	ReplyTo string
	// ReplyWithoutPing turns the reply ping off, as the user can in the
	// client: the replied-to author is then not mentioned.
	ReplyWithoutPing bool
}

// Command describes a slash command invocation, for SendCommand.
type Command struct {
	// Name is the command's name; a command with this name must be
	// registered (guild commands of the channel's guild first, then global),
	// unless CommandID is set.
	Name string
	// CommandID, if set, is used as data.id without looking the command up.
	CommandID string
	// Options are the options the user filled in. They are checked against
	// the registered command: names, types and required options.
	Options []*discordgo.ApplicationCommandInteractionDataOption
	// ChannelID and DM choose where the command is used, as in UserMessage.
	ChannelID string
	DM        bool
	// User invokes the command; the zero value means DefaultUserID.
	User User
	// Locale is the user's locale; empty means "en-US".
	Locale string
}

// Autocomplete describes an autocomplete request while a user types, for
// SendAutocomplete.
type Autocomplete struct {
	// Name and CommandID identify the command, as in Command.
	Name      string
	CommandID string
	// Options are the other options already filled in.
	Options []*discordgo.ApplicationCommandInteractionDataOption
	// Focused is the name of the option being typed; its registered
	// definition must have autocomplete enabled. If empty, Options must
	// already contain an option with Focused set.
	Focused string
	// Value is the partial text typed so far in the focused option.
	Value string
	// ChannelID, DM, User and Locale are as in Command.
	ChannelID string
	DM        bool
	User      User
	Locale    string
}

// ComponentClick describes a user clicking a button or choosing from a select
// menu, for ClickComponent.
type ComponentClick struct {
	// MessageID is the message the component is on.
	MessageID string
	// CustomID is the component's custom_id; the message must have an
	// enabled component with it.
	CustomID string
	// Values are the chosen values, for select menus.
	Values []string
	// User clicks; the zero value means DefaultUserID.
	User User
	// Locale is the user's locale; empty means "en-US".
	Locale string
}

// messageEvent is a gateway dispatch to deliver after s.mu is released:
// MESSAGE_* (needing GUILD_MESSAGES or DIRECT_MESSAGES) or THREAD_CREATE
// (needing GUILDS).
type messageEvent struct {
	event   string
	guildID string // "" for DMs
	intent  discordgo.Intent
	unseen  bool // in a private thread the bot is not a member of: not sent
	full    []byte
	hidden  []byte // for sessions without MESSAGE_CONTENT; nil means full
}

func (s *Server) messageEventLocked(event string, m *message) messageEvent {
	ev := messageEvent{event: event, guildID: m.guildID, intent: discordgo.IntentGuildMessages, full: s.renderMessageLocked(m, true)}
	if m.guildID == "" {
		ev.intent = discordgo.IntentDirectMessages
	}
	if ch, ok := s.channels[m.channelID]; ok && !ch.botSees() {
		ev.unseen = true
	}
	if event == "MESSAGE_DELETE" {
		d := map[string]any{"id": m.id, "channel_id": m.channelID}
		if m.guildID != "" {
			d["guild_id"] = m.guildID
		}
		ev.full, _ = json.Marshal(d)
		return ev
	}
	if m.hidesContentFrom(s.botUser.ID) {
		blank := *m
		blank.content, blank.embeds, blank.attachments, blank.components, blank.poll = "", nil, nil, nil, nil
		ev.hidden = s.renderMessageLocked(&blank, true)
	}
	return ev
}

// deliverMessageEvents sends events, in order, to every session of the
// shard that owns their guild (shard 0 for DMs) whose intents ask for them,
// blanking content for sessions without MESSAGE_CONTENT. Events in private
// threads the bot cannot see are not sent.
func (s *Server) deliverMessageEvents(evs []messageEvent) {
	if len(evs) == 0 {
		return
	}
	for _, sess := range s.liveSessions() {
		for _, ev := range evs {
			if ev.unseen || !sess.receives(ev.guildID) {
				continue
			}
			if sess.intents&ev.intent == 0 {
				s.logf("gateway: %s not sent to session %s: intents lack %d", ev.event, sess.id, ev.intent)
				continue
			}
			data := ev.full
			if ev.hidden != nil && sess.intents&discordgo.IntentMessageContent == 0 {
				data = ev.hidden
			}
			sess.send(s, ev.event, data)
		}
	}
}

// resolveChannelLocked picks the channel for a dispatch helper.
func (s *Server) resolveChannelLocked(channelID string, dm bool, u User) (*channelState, error) {
	if s.closed {
		return nil, ErrClosed
	}
	if dm {
		return s.dmChannelLocked(u), nil
	}
	if channelID == "" {
		for _, gid := range s.guildSeq {
			for _, cid := range s.guilds[gid].channels {
				if ch := s.channels[cid]; ch.takesMessages() {
					return ch, nil
				}
			}
		}
		return nil, fmt.Errorf("%w: no channel given and no guild text channel configured", ErrUnknownChannel)
	}
	ch, ok := s.channels[channelID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownChannel, channelID)
	}
	if !ch.takesMessages() {
		return nil, fmt.Errorf("%w: %s is a forum channel; post in one of its threads", ErrNotTextChannel, channelID)
	}
	return ch, nil
}

func (s *Server) defaultUser(u User) User {
	if u.ID == "" {
		u.ID = DefaultUserID
	}
	if u.Username == "" {
		if known, ok := s.users[u.ID]; ok {
			return known
		}
		u.Username = DefaultUsername
		if u.ID != DefaultUserID {
			u.Username = "user" + u.ID
		}
	}
	return u
}

// SendMessage posts a user's message and dispatches MESSAGE_CREATE to the
// bot, emulating intents: a session without GUILD_MESSAGES (or
// DIRECT_MESSAGES for DMs) does not get it, and one without MESSAGE_CONTENT
// gets empty content, embeds, attachments and components for guild
// messages, thread messages included, that do not mention the bot. Only
// sessions of the shard owning the channel's guild (shard 0 for DMs) get
// it, and none for a private thread the bot is not a member of. ChannelID
// may name a thread; a forum channel gives ErrNotTextChannel. It returns
// the message as posted (with full content), and ErrNoSession if no
// session of that shard exists to receive it.
func (s *Server) SendMessage(um UserMessage) (*discordgo.Message, error) {
	s.mu.Lock()
	author := s.defaultUser(um.Author)
	s.users[author.ID] = author
	ch, err := s.resolveChannelLocked(um.ChannelID, um.DM, author)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	content := um.Content
	if um.MentionBot {
		content = "<@" + s.botUser.ID + "> " + content
	}
	m := &message{
		id:        s.ids.next(),
		channelID: ch.id,
		guildID:   ch.guildID,
		author:    author,
		content:   content,
		createdAt: time.Now(),
	}
	if um.ReplyTo != "" {
		ref, ok := s.messages[um.ReplyTo]
		if !ok || ref.deleted || ref.channelID != ch.id {
			s.mu.Unlock()
			return nil, fmt.Errorf("%w: reply to %s in channel %s", ErrUnknownMessage, um.ReplyTo, ch.id)
		}
		m.referenceID = ref.id
		m.noReplyPing = um.ReplyWithoutPing
		m.typ = 19
	}
	s.computeMentionsLocked(m, nil)
	s.storeMessageLocked(m)
	ev := s.messageEventLocked("MESSAGE_CREATE", m)
	out := s.decodeMessageLocked(m)
	live := s.routableLocked(ch.guildID)
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("dispatch: MESSAGE_CREATE %s in %s by %s", m.id, m.channelID, author.ID)
	if !live {
		return out, ErrNoSession
	}
	s.deliverMessageEvents([]messageEvent{ev})
	return out, nil
}

func (s *Server) storeMessageLocked(m *message) {
	s.messages[m.id] = m
	s.messageOrder = append(s.messageOrder, m.id)
	if ch, ok := s.channels[m.channelID]; ok && ch.isThread() {
		ch.lastMessageID = m.id
		if m.id != ch.id {
			ch.messages++
		}
	}
}

// interaction is the server's state for one dispatched interaction.
type interaction struct {
	id, token    string
	typ          discordgo.InteractionType
	raw          []byte
	dispatchedAt time.Time
	channelID    string
	guildID      string
	user         User
	commandName  string
	sourceID     string // message a component is on
	responded    bool
	response     *InteractionResponse
	originalID   string
	followupIDs  []string
	edits        int

	endpoint string    // the interactions endpoint it goes to; "" for the gateway
	delivery *Delivery // the endpoint's answer, once it came
	failed   bool      // the endpoint's answer made the interaction fail
}

// deadlineLocked returns how long in accepts its initial response; zero
// means no deadline.
func (s *Server) deadlineLocked(in *interaction) time.Duration {
	if d := s.opts.InteractionDeadline; d > 0 {
		return d
	}
	if in.endpoint != "" {
		return discordgo.InteractionDeadline
	}
	return 0
}

// failedLocked reports whether in has failed by now: its endpoint answer
// was unusable, or its deadline passed without a response.
func (s *Server) failedLocked(in *interaction, now time.Time) bool {
	if in.failed {
		return true
	}
	d := s.deadlineLocked(in)
	return in.response == nil && d > 0 && now.Sub(in.dispatchedAt) > d
}

// newInteractionLocked builds, stores and returns an interaction and its
// gateway payload.
func (s *Server) newInteractionLocked(typ discordgo.InteractionType, ch *channelState, u User, locale string, data any, source *message) *interaction {
	if locale == "" {
		locale = "en-US"
	}
	in := &interaction{
		id:           s.ids.next(),
		token:        "aW50ZXJhY3Rpb24" + randomHex(24),
		typ:          typ,
		dispatchedAt: time.Now(),
		channelID:    ch.id,
		guildID:      ch.guildID,
		user:         u,
		endpoint:     s.opts.InteractionsEndpointURL,
	}
	d := map[string]any{
		"id":                    in.id,
		"application_id":        s.opts.ApplicationID,
		"type":                  int(typ),
		"token":                 in.token,
		"version":               1,
		"data":                  data,
		"channel_id":            ch.id,
		"channel":               s.channelWireLocked(ch, 0),
		"locale":                locale,
		"app_permissions":       "1071698660929",
		"entitlements":          []any{},
		"attachment_size_limit": 10485760,
	}
	if ch.guildID != "" {
		d["guild_id"] = ch.guildID
		d["guild_locale"] = "en-US"
		d["member"] = memberWire(&u, "1071698660929")
		d["authorizing_integration_owners"] = map[string]string{"0": ch.guildID}
		d["context"] = 0
	} else {
		d["user"] = userWire(u)
		d["authorizing_integration_owners"] = map[string]string{"0": "0"}
		d["context"] = 1
	}
	if source != nil {
		d["message"] = json.RawMessage(s.renderMessageLocked(source, true))
		in.sourceID = source.id
	}
	in.raw, _ = json.Marshal(d)
	s.interactions[in.id] = in
	s.byToken[in.token] = in
	if deadline := s.deadlineLocked(in); deadline > 0 {
		// Wake waiters when the deadline passes, so that Failed is seen.
		time.AfterFunc(deadline+time.Millisecond, func() {
			s.mu.Lock()
			s.notifyLocked()
			s.mu.Unlock()
		})
	}
	s.notifyLocked()
	return in
}

// dispatchInteraction sends in to the bot: POSTed to the interactions
// endpoint if one is configured, otherwise as INTERACTION_CREATE to the
// sessions of the shard owning the channel's guild (shard 0 for DMs).
func (s *Server) dispatchInteraction(in *interaction) (*discordgo.Interaction, error) {
	var out discordgo.Interaction
	if err := json.Unmarshal(in.raw, &out); err != nil {
		return nil, fmt.Errorf("decode own interaction payload: %w", err)
	}
	if in.endpoint != "" {
		s.logf("dispatch: POST interaction %s type %d to %s", in.id, in.typ, in.endpoint)
		return &out, s.goDeliver(in)
	}
	sessions := s.sessionsFor(in.guildID)
	if len(sessions) == 0 {
		return &out, ErrNoSession
	}
	s.logf("dispatch: INTERACTION_CREATE %s type %d", in.id, in.typ)
	for _, sess := range sessions {
		sess.send(s, "INTERACTION_CREATE", in.raw)
	}
	return &out, nil
}

// SendCommand dispatches a slash command interaction (type 2) and returns it
// as the bot receives it (ID and Token identify it in later calls). With
// Options.InteractionsEndpointURL set, the interaction is POSTed there in
// the background instead; see InteractionRecord.Delivery. A forum channel
// gives ErrNotTextChannel.
func (s *Server) SendCommand(c Command) (*discordgo.Interaction, error) {
	s.mu.Lock()
	in, err := s.commandInteractionLocked(discordgo.InteractionApplicationCommand, c.Name, c.CommandID, c.Options, c.ChannelID, c.DM, c.User, c.Locale)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.dispatchInteraction(in)
}

// SendAutocomplete dispatches an autocomplete interaction (type 4) for the
// focused option and returns it as the bot receives it; like SendCommand,
// it is POSTed to the interactions endpoint when one is configured.
func (s *Server) SendAutocomplete(a Autocomplete) (*discordgo.Interaction, error) {
	s.mu.Lock()
	opts := slices.Clone(a.Options)
	if a.Focused != "" {
		opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{
			Name: a.Focused, Type: discordgo.ApplicationCommandOptionString, Value: a.Value, Focused: true,
		})
	}
	in, err := s.commandInteractionLocked(discordgo.InteractionApplicationCommandAutocomplete, a.Name, a.CommandID, opts, a.ChannelID, a.DM, a.User, a.Locale)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.dispatchInteraction(in)
}

func (s *Server) commandInteractionLocked(typ discordgo.InteractionType, name, commandID string, opts []*discordgo.ApplicationCommandInteractionDataOption, channelID string, dm bool, u User, locale string) (*interaction, error) {
	u = s.defaultUser(u)
	s.users[u.ID] = u
	ch, err := s.resolveChannelLocked(channelID, dm, u)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"name": name, "type": 1}
	autocomplete := typ == discordgo.InteractionApplicationCommandAutocomplete
	if autocomplete && !hasFocused(opts) {
		return nil, fmt.Errorf("/%s: %w: no focused option", name, ErrInvalidOptions)
	}
	if commandID != "" {
		data["id"] = commandID
	} else {
		cmd := s.findCommandLocked(name, ch)
		if cmd == nil {
			return nil, fmt.Errorf("%w: /%s in channel %s", ErrUnknownCommand, name, ch.id)
		}
		if err := checkOptions(cmd.parsed.Options, opts, autocomplete); err != nil {
			return nil, fmt.Errorf("/%s: %w", name, err)
		}
		data["id"] = cmd.id
		if cmd.guildID != "" {
			data["guild_id"] = cmd.guildID
		}
	}
	if len(opts) > 0 {
		data["options"] = opts
	}
	in := s.newInteractionLocked(typ, ch, u, locale, data, nil)
	in.commandName = name
	return in, nil
}

func hasFocused(opts []*discordgo.ApplicationCommandInteractionDataOption) bool {
	for _, o := range opts {
		if o.Focused || hasFocused(o.Options) {
			return true
		}
	}
	return false
}

// ClickComponent dispatches a message component interaction (type 3) for a
// button or select menu on a message the server knows, and returns it as the
// bot receives it; like SendCommand, it is POSTed to the interactions
// endpoint when one is configured.
func (s *Server) ClickComponent(cc ComponentClick) (*discordgo.Interaction, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	m, ok := s.messages[cc.MessageID]
	if !ok || m.deleted {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: message %s", ErrUnknownMessage, cc.MessageID)
	}
	ctype, found := findComponent(m.components, cc.CustomID)
	if !found {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: message %s has no enabled component %q", ErrUnknownMessage, cc.MessageID, cc.CustomID)
	}
	u := s.defaultUser(cc.User)
	s.users[u.ID] = u
	ch := s.channels[m.channelID]
	data := map[string]any{"custom_id": cc.CustomID, "component_type": ctype}
	if ctype != 2 {
		data["values"] = append([]string{}, cc.Values...)
	}
	in := s.newInteractionLocked(discordgo.InteractionMessageComponent, ch, u, cc.Locale, data, m)
	s.mu.Unlock()
	return s.dispatchInteraction(in)
}

// findComponent looks for an enabled component with customID in a message's
// components (searching nested layouts) and returns its type.
func findComponent(list []json.RawMessage, customID string) (int, bool) {
	for _, raw := range list {
		var c struct {
			Type       int               `json:"type"`
			CustomID   string            `json:"custom_id"`
			Disabled   bool              `json:"disabled"`
			Components []json.RawMessage `json:"components"`
			Accessory  json.RawMessage   `json:"accessory"`
		}
		if json.Unmarshal(raw, &c) != nil {
			continue
		}
		if c.CustomID == customID && c.Type != 1 {
			return c.Type, !c.Disabled
		}
		if t, ok := findComponent(c.Components, customID); ok {
			return t, true
		}
		if c.Accessory != nil {
			if t, ok := findComponent([]json.RawMessage{c.Accessory}, customID); ok {
				return t, true
			}
		}
	}
	return 0, false
}

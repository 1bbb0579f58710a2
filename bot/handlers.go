package bot

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/retrieval"
)

// contextBytes is how much of a paragraph "Show context" shows.
const contextBytes = 3500

// Messages people see when something is wrong. They are short and never
// hold details; those go to the log.
const (
	msgFailed  = "Sorry, something went wrong answering that. The bot's operator can find the details in its log."
	msgStale   = "This button belongs to an older answer or an older version of the text. Ask again."
	msgNoMore  = "No more results for this question."
	msgThanks  = "Thanks, noted. Feedback helps whoever runs this bot improve it."
	msgAskHint = "Ask me a question after the mention, for example: where was Stalin buried? Or try `/help`."
)

func (b *Bot) selfID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userID
}

// recoverPanic keeps a bug in one handler from taking the bot down.
func (b *Bot) recoverPanic(event string) {
	if r := recover(); r != nil {
		b.log.Error("panic in handler", "event", event, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

// onMessage answers a mention, a direct message, or any message in a
// configured channel.
func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	defer b.recoverPanic("MESSAGE_CREATE")
	if m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == b.selfID() {
		return
	}
	q, via, ok := b.questionOf(m.Message)
	if !ok || !b.begin() {
		return
	}
	defer b.inflight.Done()
	start := time.Now()
	ref := m.SoftReference()
	if wait, ok := b.cooldown.allow(m.Author.ID, start); !ok {
		if b.cooldown.warnOnce(m.Author.ID, start) {
			b.sendMessage(s, m.ChannelID, slowDownReply(wait, b.cooldown), ref)
		}
		b.log.Info("cooldown", "via", via, "guild", m.GuildID, "channel", m.ChannelID, "user", m.Author.ID)
		return
	}
	if strings.TrimSpace(q) == "" {
		b.sendMessage(s, m.ChannelID, reply{Content: msgAskHint}, ref)
		return
	}
	ans, err := b.lib.Answer(q, retrieval.Request{Top: b.opts.Top})
	var r reply
	if err != nil {
		r = reply{Content: capitalise(err.Error()) + "."}
	} else {
		r = answerReply(q, ans, b.fp)
	}
	sendErr := b.sendMessage(s, m.ChannelID, r, ref)
	b.logQuestion(via, m.GuildID, m.ChannelID, m.Author.ID, q, ans, start, errors.Join(err, sendErr))
}

// sendMessage posts r in a channel as a reply to ref.
func (b *Bot) sendMessage(s *discordgo.Session, channelID string, r reply, ref *discordgo.MessageReference) error {
	if _, err := s.ChannelMessageSendComplex(channelID, r.message(ref)); err != nil {
		b.log.Error("send message", "channel", channelID, "error", err)
		return err
	}
	return nil
}

// questionOf returns the question a message asks the bot, and how it was
// asked: "dm", "mention" or "channel". ok is false for a message the bot
// should not answer.
func (b *Bot) questionOf(m *discordgo.Message) (q, via string, ok bool) {
	self := b.selfID()
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			mentioned = true
		}
	}
	content := m.Content
	if self != "" {
		for _, tag := range []string{"<@" + self + ">", "<@!" + self + ">"} {
			if strings.Contains(content, tag) {
				mentioned = true
				content = strings.ReplaceAll(content, tag, " ")
			}
		}
	}
	content = stripMentions(content)
	switch {
	case m.GuildID == "":
		return content, "dm", true
	case mentioned:
		return content, "mention", true
	case b.channels[m.ChannelID]:
		return content, "channel", content != ""
	}
	return "", "", false
}

// mentionRE matches Discord's mention syntax: users, roles, channels,
// slash commands and custom emoji, plus @everyone and @here.
var mentionRE = regexp.MustCompile(`<(@[!&]?|#)\d+>|</[^:>]+:\d+>|<a?:\w+:\d+>|@(everyone|here)\b`)

// stripMentions removes mentions from a question: they are not part of it.
func stripMentions(s string) string {
	return strings.Join(strings.Fields(mentionRE.ReplaceAllString(s, " ")), " ")
}

// onInteraction handles slash commands, autocomplete and buttons.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	defer b.recoverPanic("INTERACTION_CREATE")
	if ic.Interaction == nil || !b.begin() {
		return
	}
	defer b.inflight.Done()
	i := ic.Interaction
	user := i.User
	if i.Member != nil && i.Member.User != nil {
		user = i.Member.User
	}
	if user == nil {
		return
	}
	var err error
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		err = b.onCommand(s, i, user.ID)
	case discordgo.InteractionApplicationCommandAutocomplete:
		err = b.onAutocomplete(s, i)
	case discordgo.InteractionMessageComponent:
		err = b.onComponent(s, i, user.ID)
	default:
		return
	}
	if err != nil {
		b.log.Error("interaction", "type", i.Type.String(), "guild", i.GuildID, "channel", i.ChannelID, "user", user.ID, "error", err)
	}
}

func (b *Bot) respond(s *discordgo.Session, i *discordgo.Interaction, typ discordgo.InteractionResponseType, r reply) error {
	return s.InteractionRespond(i, r.response(typ))
}

func (b *Bot) onCommand(s *discordgo.Session, i *discordgo.Interaction, user string) error {
	data := i.ApplicationCommandData()
	switch data.Name {
	case "ask":
		q := optString(data.Options, "question")
		private := !optBool(data.Options, "public")
		return b.answerDeferred(s, i, user, "ask", q, private, func() (retrieval.Answer, error) {
			return b.lib.Answer(q, retrieval.Request{Top: b.opts.Top})
		})
	case "topic":
		name := optString(data.Options, "name")
		return b.answerDeferred(s, i, user, "topic", name, true, func() (retrieval.Answer, error) {
			return b.lib.TopicAnswer(name, retrieval.Request{Top: b.opts.Top})
		})
	case "topics":
		r := topicsReply(b.lib.Topics(), 0)
		r.Ephemeral = true
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, r)
	case "source":
		r := sourceReply(b.lib.Corpus())
		r.Ephemeral = true
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, r)
	case "help":
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, helpReply())
	}
	return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply("I don't know that command; try `/help`."))
}

// answerDeferred acknowledges a command at once (Discord allows three
// seconds) and edits in the answer when it is ready.
func (b *Bot) answerDeferred(s *discordgo.Session, i *discordgo.Interaction, user, via, q string, private bool, answer func() (retrieval.Answer, error)) error {
	start := time.Now()
	if err := retrieval.CheckQuestion(q); err != nil {
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(capitalise(err.Error())+"."))
	}
	if wait, ok := b.cooldown.allow(user, start); !ok {
		b.log.Info("cooldown", "via", via, "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, slowDownReply(wait, b.cooldown))
	}
	deferred := reply{Ephemeral: private}
	if err := b.respond(s, i, discordgo.InteractionResponseDeferredChannelMessageWithSource, deferred); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	ans, err := answer()
	var r reply
	if err != nil {
		r = reply{Content: capitalise(err.Error()) + "."}
	} else {
		r = answerReply(q, ans, b.fp)
	}
	_, editErr := s.InteractionResponseEdit(i, r.edit())
	b.logQuestion(via, i.GuildID, i.ChannelID, user, q, ans, start, errors.Join(err, editErr))
	return editErr
}

func (b *Bot) onAutocomplete(s *discordgo.Session, i *discordgo.Interaction) error {
	data := i.ApplicationCommandData()
	query := ""
	for _, o := range data.Options {
		if o.Focused {
			query = fmt.Sprint(o.Value)
		}
	}
	return s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices(b.lib.FindTopics(query, maxChoices))},
	})
}

func (b *Bot) onComponent(s *discordgo.Session, i *discordgo.Interaction, user string) error {
	stale := func() error {
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(msgStale))
	}
	id, err := parseID(i.MessageComponentData().CustomID)
	if err != nil {
		return stale()
	}
	switch v := id.(type) {
	case moreID:
		q := v.Question
		if q == "" {
			q = questionOnMessage(i.Message)
		}
		if v.FP != b.fp || q == "" {
			return stale()
		}
		start := time.Now()
		if wait, ok := b.cooldown.allow(user, start); !ok {
			return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, slowDownReply(wait, b.cooldown))
		}
		ans, err := b.lib.Answer(q, retrieval.Request{Top: b.opts.Top, Offset: v.Offset})
		if err != nil {
			return stale()
		}
		b.logQuestion("more", i.GuildID, i.ChannelID, user, q, ans, start, nil)
		if len(ans.Results) == 0 {
			return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(msgNoMore))
		}
		r := answerReply(q, ans, b.fp)
		r.Ephemeral = true
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, r)
	case contextID:
		if v.FP != b.fp {
			return stale()
		}
		text, cit, err := b.lib.Context(v.Sentence, contextBytes)
		if err != nil {
			return stale()
		}
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, contextReply(text, cit))
	case feedbackID:
		vote := "down"
		if v.Up {
			vote = "up"
		}
		b.log.Info("feedback", "vote", vote, "sentence", v.Sentence, "corpus", v.FP, "current_corpus", v.FP == b.fp,
			"question", questionOnMessage(i.Message), "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		return b.respond(s, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(msgThanks))
	case topicsID:
		return b.respond(s, i, discordgo.InteractionResponseUpdateMessage, topicsReply(b.lib.Topics(), v.Page))
	}
	return stale()
}

// questionOnMessage reads the question back from an answer's first embed,
// whose title is the question, escaped.
func questionOnMessage(m *discordgo.Message) string {
	if m == nil || len(m.Embeds) == 0 || m.Embeds[0] == nil {
		return ""
	}
	return unescapeMarkdown(strings.TrimSuffix(m.Embeds[0].Title, "…"))
}

// unescapeMarkdown undoes escapeMarkdown.
func unescapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "@\u200b", "@")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func optString(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

func optBool(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	for _, o := range opts {
		if o.Name == name {
			if v, ok := o.Value.(bool); ok {
				return v
			}
		}
	}
	return false
}

// logQuestion writes one line per question answered.
func (b *Bot) logQuestion(via, guild, channel, user, q string, ans retrieval.Answer, start time.Time, err error) {
	top := 0.0
	if len(ans.Results) > 0 {
		top = math.Round(ans.Results[0].Score*1000) / 1000
	}
	attrs := []any{"via", via, "guild", guild, "channel", channel, "user", user,
		"question_len", len(q), "answered", ans.Answered, "results", len(ans.Results),
		"top_score", top, "latency_ms", float64(time.Since(start).Microseconds()) / 1000}
	if err != nil {
		b.log.Error("question", append(attrs, "error", err)...)
		return
	}
	b.log.Info("question", attrs...)
}

// slowDownReply tells someone over the cooldown when to ask again.
func slowDownReply(wait time.Duration, c *cooldown) reply {
	secs := int(math.Ceil(wait.Seconds()))
	return reply{Ephemeral: true, Content: fmt.Sprintf("Slow down: at most %s every %s. Try again in %ds.",
		plural(c.n, "question"), c.window, max(1, secs))}
}

// cooldown allows each user n questions in any window of the given length.
type cooldown struct {
	n      int
	window time.Duration
	mu     sync.Mutex
	users  map[string]*recent
}

type recent struct {
	asked  []time.Time
	warned time.Time
}

func newCooldown(n int, window time.Duration) *cooldown {
	return &cooldown{n: max(n, 1), window: window, users: map[string]*recent{}}
}

// allow records a question by user at now and reports whether it is within
// the limit; if not, wait says how long until it would be.
func (c *cooldown) allow(user string, now time.Time) (wait time.Duration, ok bool) {
	if c.window <= 0 {
		return 0, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) > 10000 {
		c.sweep(now)
	}
	r := c.users[user]
	if r == nil {
		r = &recent{}
		c.users[user] = r
	}
	keep := r.asked[:0]
	for _, t := range r.asked {
		if now.Sub(t) < c.window {
			keep = append(keep, t)
		}
	}
	r.asked = keep
	if len(r.asked) >= c.n {
		return c.window - now.Sub(r.asked[0]), false
	}
	r.asked = append(r.asked, now)
	return 0, true
}

// warnOnce reports whether to tell user to slow down: once per window, so
// that the warnings do not flood a channel.
func (c *cooldown) warnOnce(user string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.users[user]
	if r == nil || now.Sub(r.warned) < c.window {
		return false
	}
	r.warned = now
	return true
}

// sweep forgets users who asked nothing within the window.
func (c *cooldown) sweep(now time.Time) {
	for u, r := range c.users {
		if len(r.asked) == 0 || now.Sub(r.asked[len(r.asked)-1]) >= c.window {
			delete(c.users, u)
		}
	}
}

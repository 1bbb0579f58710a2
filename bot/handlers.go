package bot

import (
	"context"
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
	if m == nil || m.Message == nil || m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == b.selfID() {
		return
	}
	q, via, ok := b.questionOf(m.Message)
	if !ok || !b.begin() {
		return
	}
	defer b.inflight.Done()
	start := time.Now()
	ctx, cancel := context.WithTimeout(b.stopCtx, b.opts.AnswerDeadline)
	defer cancel()
	ref := m.SoftReference()
	if wait, ok := b.cooldown.allow(m.Author.ID, start); !ok {
		if b.cooldown.warnOnce(m.Author.ID, start) {
			b.sendMessage(ctx, m.ChannelID, slowDownReply(wait, b.cooldown, "question"), ref, "")
		}
		b.log.Info("cooldown", "via", via, "guild", m.GuildID, "channel", m.ChannelID, "user", m.Author.ID)
		return
	}
	if strings.TrimSpace(q) == "" {
		b.sendMessage(ctx, m.ChannelID, reply{Content: msgAskHint}, ref, m.ID)
		return
	}
	ans, err := b.lib.Answer(q, retrieval.Request{Top: b.opts.Top})
	var r reply
	if err != nil {
		r = errorReply(capitalise(err.Error()) + ".")
	} else {
		r = answerReply(q, ans, b.fp)
	}
	sendErr := b.sendMessage(ctx, m.ChannelID, r, ref, m.ID)
	b.logQuestion(via, m.GuildID, m.ChannelID, m.Author.ID, q, ans, start, errors.Join(err, sendErr))
	if sendErr != nil {
		b.tellUndeliveredMessage(m.Message, sendErr)
	}
}

// sendMessage posts r in a channel as a reply to ref, logging a failure.
func (b *Bot) sendMessage(ctx context.Context, channelID string, r reply, ref *discordgo.MessageReference, nonce string) error {
	if err := b.postMessage(ctx, channelID, r, ref, nonce); err != nil {
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
	if ic == nil || ic.Interaction == nil || !b.begin() {
		return
	}
	defer b.inflight.Done()
	received := time.Now()
	i := ic.Interaction
	user := i.User
	if i.Member != nil && i.Member.User != nil {
		user = i.Member.User
	}
	if user == nil {
		return
	}
	// Discord allows three seconds to acknowledge an interaction.
	ack, cancel := context.WithDeadline(b.stopCtx, received.Add(min(ackDeadline, b.opts.AnswerDeadline)))
	defer cancel()
	var err error
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		err = b.onCommand(ack, i, user.ID, received)
	case discordgo.InteractionApplicationCommandAutocomplete:
		err = b.onAutocomplete(ack, i)
	case discordgo.InteractionMessageComponent:
		err = b.onComponent(ack, i, user.ID)
	default:
		return
	}
	if err != nil {
		b.log.Error("interaction", "type", i.Type.String(), "guild", i.GuildID, "channel", i.ChannelID, "user", user.ID, "error", err)
	}
}

func (b *Bot) onCommand(ack context.Context, i *discordgo.Interaction, user string, received time.Time) error {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(msgFailed))
	}
	switch data.Name {
	case "ask":
		q := optString(data.Options, "question")
		private := !optBool(data.Options, "public")
		return b.answerDeferred(ack, i, user, "ask", q, private, received, func() (retrieval.Answer, error) {
			return b.lib.Answer(q, retrieval.Request{Top: b.opts.Top})
		})
	case "topic":
		name := optString(data.Options, "name")
		return b.answerDeferred(ack, i, user, "topic", name, true, received, func() (retrieval.Answer, error) {
			return b.lib.TopicAnswer(name, retrieval.Request{Top: b.opts.Top})
		})
	case "topics":
		r := topicsReply(b.lib.Topics(), 0)
		r.Ephemeral = true
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, r)
	case "source":
		c := b.lib.Corpus()
		r := sourceReply(c.Documents(), c.Len(), 0)
		r.Ephemeral = true
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, r)
	case "help":
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, helpReply())
	}
	return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply("I don't know that command; try `/help`."))
}

// answerDeferred acknowledges a command at once (Discord allows three
// seconds) and edits in the answer when it is ready. If the answer cannot
// be delivered within the answer deadline, it tells the asker with an
// ephemeral follow-up.
func (b *Bot) answerDeferred(ack context.Context, i *discordgo.Interaction, user, via, q string, private bool, received time.Time, answer func() (retrieval.Answer, error)) error {
	start := time.Now()
	if err := retrieval.CheckQuestion(q); err != nil {
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, errorReply(capitalise(err.Error())+"."))
	}
	if wait, ok := b.cooldown.allow(user, start); !ok {
		b.log.Info("cooldown", "via", via, "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, slowDownReply(wait, b.cooldown, "question"))
	}
	deferred := reply{Ephemeral: private}
	if err := b.respond(ack, i, discordgo.InteractionResponseDeferredChannelMessageWithSource, deferred); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	ans, err := answer()
	var r reply
	if err != nil {
		r = errorReply(capitalise(err.Error()) + ".")
	} else {
		r = answerReply(q, ans, b.fp)
	}
	ctx, cancel := context.WithDeadline(b.stopCtx, received.Add(b.opts.AnswerDeadline))
	defer cancel()
	editErr := b.editOriginal(ctx, i, r)
	b.logQuestion(via, i.GuildID, i.ChannelID, user, q, ans, start, errors.Join(err, editErr))
	if editErr != nil {
		b.tellUndeliveredInteraction(i, user)
	}
	return editErr
}

func (b *Bot) onAutocomplete(ack context.Context, i *discordgo.Interaction) error {
	data, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
	query := ""
	for _, o := range data.Options {
		if o != nil && o.Focused {
			query = fmt.Sprint(o.Value)
		}
	}
	return b.callback(ack, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices(b.lib.FindTopics(query, maxChoices))},
	})
}

func (b *Bot) onComponent(ack context.Context, i *discordgo.Interaction, user string) error {
	newMessage := discordgo.InteractionResponseChannelMessageWithSource
	stale := func() error { return b.respond(ack, i, newMessage, errorReply(msgStale)) }
	now := time.Now()
	if wait, ok := b.buttons.allow(user, now); !ok {
		b.log.Info("cooldown", "via", "button", "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		return b.respond(ack, i, newMessage, slowDownReply(wait, b.buttons, "button click"))
	}
	data, _ := i.Data.(discordgo.MessageComponentInteractionData)
	id, err := parseID(data.CustomID)
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
		if wait, ok := b.cooldown.allow(user, now); !ok {
			return b.respond(ack, i, newMessage, slowDownReply(wait, b.cooldown, "question"))
		}
		ans, err := b.lib.Answer(q, retrieval.Request{Top: b.opts.Top, Offset: v.Offset})
		if err != nil {
			return stale()
		}
		b.logQuestion("more", i.GuildID, i.ChannelID, user, q, ans, now, nil)
		if len(ans.Results) == 0 {
			return b.respond(ack, i, newMessage, errorReply(msgNoMore))
		}
		r := answerReply(q, ans, b.fp)
		r.Ephemeral = true
		return b.respond(ack, i, newMessage, r)
	case contextID:
		if v.FP != b.fp {
			return stale()
		}
		text, cit, err := b.lib.Context(v.Sentence, contextBytes)
		if err != nil {
			return stale()
		}
		return b.respond(ack, i, newMessage, contextReply(text, cit))
	case feedbackID:
		vote := "down"
		if v.Up {
			vote = "up"
		}
		msgID := ""
		if i.Message != nil {
			msgID = i.Message.ID
		}
		if b.feedback.record(user, msgID, v.Sentence, v.Up, now) {
			b.log.Info("feedback", "vote", vote, "sentence", v.Sentence, "corpus", v.FP, "current_corpus", v.FP == b.fp,
				"question", questionOnMessage(i.Message), "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		}
		return b.respond(ack, i, newMessage, errorReply(msgThanks))
	case topicsID:
		return b.respond(ack, i, discordgo.InteractionResponseUpdateMessage, topicsReply(b.lib.Topics(), v.Page))
	case sourceID:
		c := b.lib.Corpus()
		return b.respond(ack, i, discordgo.InteractionResponseUpdateMessage, sourceReply(c.Documents(), c.Len(), v.Page))
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

// slowDownReply tells someone over a cooldown on what (questions, button
// clicks) when to try again.
func slowDownReply(wait time.Duration, c *cooldown, what string) reply {
	secs := int(math.Ceil(wait.Seconds()))
	return errorReply(fmt.Sprintf("Slow down: at most %s every %s. Try again in %ds.", plural(c.n, what), c.window, max(1, secs)))
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

// feedbackMemory is how long a vote is remembered, so that clicking 👍 or
// 👎 again on the same answer is not logged again.
const feedbackMemory = time.Hour

// feedbackLog remembers the last vote of each user on each answer.
type feedbackLog struct {
	mu    sync.Mutex
	votes map[feedbackKey]feedbackVote
}

type feedbackKey struct {
	user, message string
	sentence      int
}

type feedbackVote struct {
	up bool
	at time.Time
}

func newFeedbackLog() *feedbackLog { return &feedbackLog{votes: map[feedbackKey]feedbackVote{}} }

// record notes a vote and reports whether it is news: the user's first
// vote on that answer within feedbackMemory, or a changed one.
func (f *feedbackLog) record(user, message string, sentence int, up bool, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.votes) > 10000 {
		for k, v := range f.votes {
			if now.Sub(v.at) >= feedbackMemory {
				delete(f.votes, k)
			}
		}
	}
	k := feedbackKey{user, message, sentence}
	old, seen := f.votes[k]
	if seen && now.Sub(old.at) < feedbackMemory && old.up == up {
		return false
	}
	f.votes[k] = feedbackVote{up: up, at: now}
	return true
}

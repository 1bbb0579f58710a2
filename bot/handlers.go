package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The gateway door: discordgo's events become Requests for the core, and
// the core's Responses are delivered through b.rest.

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

// onMessage passes a message to the core and posts its reply in the
// message's channel (or thread).
func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	defer b.recoverPanic("MESSAGE_CREATE")
	if m == nil || m.Message == nil || m.Author == nil || m.Author.ID == b.selfID() || !b.inflight.begin() {
		return
	}
	defer b.inflight.end()
	ctx, cancel := context.WithTimeout(b.stopCtx, b.opts.AnswerDeadline)
	defer cancel()
	resp := b.core.Handle(ctx, b.messageRequest(m.Message)).Finish(ctx)
	if resp.Action != NewMessage {
		return
	}
	if err := b.postMessage(ctx, m.ChannelID, resp.Reply, m.SoftReference(), m.ID); err != nil {
		b.log.Error("reply not delivered", "guild", m.GuildID, "channel", m.ChannelID, "user", m.Author.ID, "error", err)
		b.tellUndeliveredMessage(m.Message, err)
	}
}

// messageRequest describes a message for the core.
func (b *Bot) messageRequest(m *discordgo.Message) Request {
	self := b.selfID()
	req := Request{
		Kind: MessageRequest, Door: DoorGateway,
		User: m.Author.ID, Guild: m.GuildID, Channel: m.ChannelID, MessageID: m.ID,
		Text: m.Content,
		Bot:  m.Author.Bot || m.Author.System,
		DM:   m.GuildID == "",
	}
	for _, u := range m.Mentions {
		if u != nil && self != "" && u.ID == self {
			req.Mentioned = true
		}
	}
	if self != "" && (strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")) {
		req.Mentioned = true
	}
	if t, ok := b.threads.get(m.ChannelID); ok {
		req.Thread, req.Parent = true, t.parent
		// A forum post's first message has the post's (the thread's) ID.
		if m.ID == m.ChannelID {
			req.ForumPost, req.Title = true, t.name
		}
	}
	return req
}

// onInteraction passes slash commands, autocomplete and button clicks to
// the core and delivers its responses.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	defer b.recoverPanic("INTERACTION_CREATE")
	if ic == nil || ic.Interaction == nil || !b.inflight.begin() {
		return
	}
	defer b.inflight.end()
	received := time.Now()
	i := ic.Interaction
	user := interactionUser(i)
	if user == nil {
		return
	}
	req, ok := b.interactionRequest(i, user.ID)
	if !ok {
		return
	}
	// Discord allows three seconds to acknowledge an interaction.
	ack, cancel := context.WithDeadline(b.stopCtx, received.Add(min(ackDeadline, b.opts.AnswerDeadline)))
	defer cancel()
	if err := b.deliver(ack, i, user.ID, received, b.core.Handle(ack, req)); err != nil {
		b.log.Error("interaction", "type", i.Type.String(), "guild", i.GuildID, "channel", i.ChannelID, "user", user.ID, "error", err)
	}
}

// interactionRequest describes an interaction for the core; ok is false
// for a kind the bot does not handle.
func (b *Bot) interactionRequest(i *discordgo.Interaction, user string) (Request, bool) {
	req, ok := requestOfInteraction(i, DoorGateway, user)
	if t, found := b.threads.get(i.ChannelID); found {
		req.Thread, req.Parent = true, t.parent
	}
	return req, ok
}

// interactionUser returns who used an interaction: the member's user in a
// server, the user in a direct message; nil if it names neither.
func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// requestOfInteraction describes an interaction that user made, received
// through door, for the core; ok is false for a kind the core does not
// handle. Both doors that receive interactions use it. Whether the
// interaction came from a thread is the door's to fill in: the gateway
// keeps track of threads, the HTTP endpoint reads the interaction's
// channel.
func requestOfInteraction(i *discordgo.Interaction, door, user string) (Request, bool) {
	req := Request{Door: door, User: user, Guild: i.GuildID, Channel: i.ChannelID, DM: i.GuildID == ""}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		req.Kind = CommandRequest
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			req.Kind = AutocompleteRequest
		}
		data, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
		req.Command = data.Name
		req.Options = map[string]string{}
		for _, o := range data.Options {
			if o == nil {
				continue
			}
			req.Options[o.Name] = optionValue(o.Value)
			if o.Focused {
				req.Focused = o.Name
			}
		}
	case discordgo.InteractionMessageComponent:
		req.Kind = ComponentRequest
		data, _ := i.Data.(discordgo.MessageComponentInteractionData)
		req.CustomID = data.CustomID
		if m := i.Message; m != nil {
			req.MessageID = m.ID
			if len(m.Embeds) > 0 && m.Embeds[0] != nil {
				req.MessageTitle = m.Embeds[0].Title
			}
		}
	default:
		return req, false
	}
	return req, true
}

// optionValue renders an option's value as the core reads it.
func optionValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// deliver sends the core's response to an interaction. A Deferrable one
// is acknowledged at once and its reply edited in when made; if that
// cannot be delivered within the answer deadline, the user is told with an
// ephemeral follow-up.
func (b *Bot) deliver(ack context.Context, i *discordgo.Interaction, user string, received time.Time, resp Response) error {
	switch resp.Action {
	case Choices:
		list := make([]*discordgo.ApplicationCommandOptionChoice, len(resp.Choices))
		for k, c := range resp.Choices {
			list[k] = &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value}
		}
		return b.callback(ack, i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: list},
		})
	case UpdateMessage:
		return b.respond(ack, i, discordgo.InteractionResponseUpdateMessage, resp.Reply)
	case NewMessage:
		if !resp.Deferrable {
			return b.respond(ack, i, discordgo.InteractionResponseChannelMessageWithSource, resp.Reply)
		}
	default:
		return nil
	}
	if err := b.respond(ack, i, discordgo.InteractionResponseDeferredChannelMessageWithSource, resp.Reply); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	ctx, cancel := context.WithDeadline(b.stopCtx, received.Add(b.opts.AnswerDeadline))
	defer cancel()
	if err := b.editOriginal(ctx, i, resp.Finish(ctx).Reply); err != nil {
		b.tellUndeliveredInteraction(i, user)
		return err
	}
	return nil
}

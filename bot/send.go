package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// The requests the bot makes, through b.rest. Routes name endpoints in logs
// and errors without their tokens.
const (
	routeMessages  = "POST /channels/{channel_id}/messages"
	routeCallback  = "POST /interactions/{interaction_id}/{interaction_token}/callback"
	routeEdit      = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original"
	routeFollowup  = "POST /webhooks/{application_id}/{interaction_token}"
	routeDM        = "POST /users/@me/channels"
	routeCommands  = "PUT /applications/{application_id}/commands"
	routeGuildCmds = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
)

// A Reply is shaped into one of discordgo's request types by a method
// below; every one sets allowed_mentions to parse nothing.

// noMentions allows no mention of any kind: discordgo sends "parse": null
// for a nil slice, which would let "@everyone" in the text ping a server.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (r Reply) flags() discordgo.MessageFlags {
	if r.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// message shapes r as a channel message replying to ref (nil: no reply).
func (r Reply) message(ref *discordgo.MessageReference) *discordgo.MessageSend {
	r = r.fit()
	return &discordgo.MessageSend{
		Content:         r.Content,
		Embeds:          nonNilEmbeds(r.Embeds),
		Components:      nonNilComponents(r.Components),
		Reference:       ref,
		AllowedMentions: noMentions(),
	}
}

// response shapes r as an interaction response of type typ.
func (r Reply) response(typ discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: typ, Data: r.data()}
}

func (r Reply) data() *discordgo.InteractionResponseData {
	r = r.fit()
	return &discordgo.InteractionResponseData{
		Content:         r.Content,
		Embeds:          nonNilEmbeds(r.Embeds),
		Components:      nonNilComponents(r.Components),
		Flags:           r.flags(),
		AllowedMentions: noMentions(),
	}
}

// edit shapes r as an edit of a deferred interaction response.
func (r Reply) edit() *discordgo.WebhookEdit {
	r = r.fit()
	content := r.Content
	embeds := nonNilEmbeds(r.Embeds)
	components := nonNilComponents(r.Components)
	return &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
}

// followup shapes r as a follow-up message to an interaction.
func (r Reply) followup() *discordgo.WebhookParams {
	r = r.fit()
	return &discordgo.WebhookParams{
		Content:         r.Content,
		Embeds:          r.Embeds,
		Components:      nonNilComponents(r.Components),
		Flags:           r.flags(),
		AllowedMentions: noMentions(),
	}
}

// postMessage posts r in a channel as a reply to ref (nil: no reply). A
// non-empty nonce, sent with enforce_nonce, makes Discord create one message
// however often a failed post is retried.
func (b *Bot) postMessage(ctx context.Context, channelID string, r Reply, ref *discordgo.MessageReference, nonce string) error {
	body := struct {
		*discordgo.MessageSend
		Nonce        string `json:"nonce,omitempty"`
		EnforceNonce bool   `json:"enforce_nonce,omitempty"`
	}{r.message(ref), nonce, nonce != ""}
	_, err := b.rest.do(ctx, apiCall{method: "POST", url: discordgo.EndpointChannelMessages(channelID),
		route: routeMessages, major: channelID, body: body})
	return err
}

// respond sends the initial response to an interaction.
func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, typ discordgo.InteractionResponseType, r Reply) error {
	return b.callback(ctx, i, r.response(typ))
}

func (b *Bot) callback(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	_, err := b.rest.do(ctx, apiCall{method: "POST", url: discordgo.EndpointInteractionResponse(i.ID, i.Token),
		route: routeCallback, major: i.ID, body: resp, interaction: true, ackRetry: true})
	return err
}

// editOriginal edits an interaction's first response.
func (b *Bot) editOriginal(ctx context.Context, i *discordgo.Interaction, r Reply) error {
	_, err := b.rest.do(ctx, apiCall{method: "PATCH", url: discordgo.EndpointWebhookMessage(b.appOf(i), i.Token, "@original"),
		route: routeEdit, major: tokenDigest(i.Token), body: r.edit(), interaction: true})
	return err
}

// followup sends a follow-up message to an interaction.
func (b *Bot) followup(ctx context.Context, i *discordgo.Interaction, r Reply) error {
	_, err := b.rest.do(ctx, apiCall{method: "POST", url: discordgo.EndpointWebhookToken(b.appOf(i), i.Token),
		route: routeFollowup, major: tokenDigest(i.Token), body: r.followup(), interaction: true})
	return err
}

// dmChannel returns the ID of the direct-message channel with a user.
func (b *Bot) dmChannel(ctx context.Context, userID string) (string, error) {
	body, err := b.rest.do(ctx, apiCall{method: "POST", url: discordgo.EndpointUserChannels("@me"),
		route: routeDM, major: "@me", body: map[string]string{"recipient_id": userID}})
	if err != nil {
		return "", err
	}
	var ch struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &ch); err != nil || ch.ID == "" {
		return "", fmt.Errorf("discord: %s: no channel in the response", routeDM)
	}
	return ch.ID, nil
}

// putCommands registers the slash commands with a bulk overwrite, so that
// stale ones disappear, and returns how many Discord registered.
func (b *Bot) putCommands(ctx context.Context) (int, error) {
	b.mu.Lock()
	app := b.appID
	b.mu.Unlock()
	call := apiCall{method: "PUT", url: discordgo.EndpointApplicationGlobalCommands(app), route: routeCommands, major: app, body: b.core.Commands()}
	if g := b.opts.GuildID; g != "" {
		call.url, call.route, call.major = discordgo.EndpointApplicationGuildCommands(app, g), routeGuildCmds, g
	}
	body, err := b.rest.do(ctx, call)
	if err != nil {
		return 0, err
	}
	var cmds []json.RawMessage
	if err := json.Unmarshal(body, &cmds); err != nil {
		return 0, fmt.Errorf("discord: %s: %w", call.route, err)
	}
	return len(cmds), nil
}

func (b *Bot) appOf(i *discordgo.Interaction) string {
	if i.AppID != "" {
		return i.AppID
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appID
}

// Messages for an asker whose answer could not be delivered.
const (
	msgUndeliveredIn = "Sorry, I couldn't post my answer to your question in <#%s>: Discord is rate limiting or failing my messages there. Please ask again in a few minutes, or try `/ask`."
	msgUndelivered   = "Sorry, I couldn't deliver my answer to your question in time: Discord is rate limiting or failing my messages. Please ask again in a few minutes."
)

// tellUndeliveredMessage tells the author of a message the bot could not
// answer in its channel, by direct message. Under Discord's global rate
// limit nothing can be sent, so that is only logged.
func (b *Bot) tellUndeliveredMessage(m *discordgo.Message, cause error) {
	var rl *rateLimitError
	if errors.As(cause, &rl) && rl.Global {
		b.log.Warn("asker not told of the lost answer: Discord's global rate limit is in force", "channel", m.ChannelID, "user", m.Author.ID)
		return
	}
	ctx, cancel := context.WithTimeout(b.stopCtx, noticeDeadline)
	defer cancel()
	channel, content := m.ChannelID, msgUndelivered
	if m.GuildID != "" {
		dm, err := b.dmChannel(ctx, m.Author.ID)
		if err != nil {
			b.log.Warn("asker not told of the lost answer", "channel", m.ChannelID, "user", m.Author.ID, "error", err)
			return
		}
		channel, content = dm, fmt.Sprintf(msgUndeliveredIn, m.ChannelID)
	}
	if err := b.postMessage(ctx, channel, errorReply(content), nil, "u"+m.ID); err != nil {
		b.log.Warn("asker not told of the lost answer", "channel", m.ChannelID, "user", m.Author.ID, "error", err)
		return
	}
	b.log.Info("asker told of the lost answer", "channel", m.ChannelID, "user", m.Author.ID)
}

// tellUndeliveredInteraction tells whoever used a command that its answer
// could not be delivered, with an ephemeral follow-up: interaction
// endpoints are not bound to the global rate limit.
func (b *Bot) tellUndeliveredInteraction(i *discordgo.Interaction, user string) {
	ctx, cancel := context.WithTimeout(b.stopCtx, noticeDeadline)
	defer cancel()
	if err := b.followup(ctx, i, errorReply(msgUndelivered)); err != nil {
		b.log.Warn("asker not told of the lost answer", "channel", i.ChannelID, "user", user, "error", err)
		return
	}
	b.log.Info("asker told of the lost answer", "channel", i.ChannelID, "user", user)
}

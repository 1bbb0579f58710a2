package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Inviting the bot. A server's administrator adds the bot by opening an
// OAuth2 URL that names the application, the scopes and the permissions
// the bot's role gets in that server. lectern asks for exactly what it
// uses, and says why.

// Permission is one permission the bot asks for when it is invited to a
// server.
type Permission struct {
	// Name is the permission's name as Discord's server settings and the
	// developer portal show it.
	Name string
	// Bit is the permission's bit in Discord's permission integer.
	Bit int64
	// Why says what the bot needs it for.
	Why string
}

// Permissions returns the permissions the bot needs, each with why, in
// the order Discord's settings list them. The bot needs no others: slash
// commands and their answers travel through the interaction, which needs
// no channel permission, and the bot never creates threads, reacts,
// attaches files or manages anything.
func Permissions() []Permission {
	return []Permission{
		{Name: "View Channels", Bit: discordgo.PermissionViewChannel,
			Why: "to receive the messages that mention it in a channel, and the posts of the forums it answers"},
		{Name: "Send Messages", Bit: discordgo.PermissionSendMessages,
			Why: "to answer a mention with the excerpt and its citation"},
		{Name: "Send Messages in Threads", Bit: discordgo.PermissionSendMessagesInThreads,
			Why: "to answer in threads and forum posts"},
		{Name: "Embed Links", Bit: discordgo.PermissionEmbedLinks,
			Why: "an answer is an embed: the excerpt with its citation"},
		{Name: "Read Message History", Bit: discordgo.PermissionReadMessageHistory,
			Why: "an answer is a reply to the question's message, which Discord allows only with this"},
	}
}

// InvitePermissions is the permission integer of the invite URL: the
// bits of Permissions together.
func InvitePermissions() int64 {
	var n int64
	for _, p := range Permissions() {
		n |= p.Bit
	}
	return n
}

// InviteScopes are the OAuth2 scopes of the invite URL: bot adds the bot
// user to the server, applications.commands its slash commands.
var InviteScopes = []string{"bot", "applications.commands"}

// InviteURL returns the URL that adds the application's bot to a server
// with InviteScopes and InvitePermissions, installed in the server
// (integration_type 0, not to a user's account). Whoever opens it picks
// the server, and needs the Manage Server permission there.
func InviteURL(applicationID string) string {
	return "https://discord.com/oauth2/authorize?client_id=" + url.QueryEscape(applicationID) +
		"&scope=" + strings.Join(InviteScopes, "%20") +
		"&permissions=" + strconv.FormatInt(InvitePermissions(), 10) +
		"&integration_type=0"
}

// routeApplication names GET /applications/@me in errors.
const routeApplication = "GET /applications/@me"

// ApplicationID asks Discord (the REST API at apiURL; "" means Discord's)
// for the ID of the application the bot token belongs to. It retries
// Discord's server and network errors, with backoff, until ctx is done,
// and returns ErrBadToken when Discord rejects the token. Errors never
// hold the token.
func ApplicationID(ctx context.Context, token, apiURL string) (string, error) {
	if token == "" {
		return "", errors.New("bot: no token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	red := newRedactor(append([]string{token}, urlSecrets(apiURL)...)...)
	base, err := url.Parse(apiURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return "", fmt.Errorf("bot: API URL %q is not an http(s) URL", red.String(apiURL))
	}
	c := &restClient{
		http:       &http.Client{Transport: &rewriteTransport{base: base, next: http.DefaultTransport}},
		auth:       "Bot " + token,
		userAgent:  userAgent,
		log:        slog.New(slog.DiscardHandler),
		maxWait:    DefaultMaxRateLimitWait,
		backoff:    DefaultRetryBackoff,
		maxBackoff: maxReplyBackoff,
	}
	body, err := c.do(ctx, apiCall{method: "GET", url: discordgo.EndpointApplication("@me"), route: routeApplication, major: "@me"})
	var ae *apiError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusUnauthorized:
		return "", ErrBadToken
	case err != nil:
		return "", red.Error(err)
	}
	var app struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &app); err != nil || app.ID == "" {
		return "", fmt.Errorf("discord: %s: the answer holds no application ID", routeApplication)
	}
	return app.ID, nil
}

// inviteIfAlone logs the invite URL, once per Bot, when a READY lists no
// server: nobody has added the bot yet, and it can answer only direct
// messages. A sharded bot's READY lists only its shard's servers, so a
// sharded bot says nothing.
func (b *Bot) inviteIfAlone(sh *shard, r *discordgo.Ready, appID string) {
	if len(r.Guilds) > 0 || sh.count > 1 || appID == "" {
		return
	}
	b.inviteOnce.Do(func() {
		// Logged past the redactor, which hides every URL's query: this
		// one holds only the application's ID and constants.
		b.opts.Logger.Warn("no server has added the bot yet: open this URL to add it to one (lectern invite says why it asks for each permission)", "invite", InviteURL(appID))
	})
}

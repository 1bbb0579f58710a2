package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"lectern/bot"
)

// inviteTimeout bounds asking Discord which application the token
// belongs to.
const inviteTimeout = 20 * time.Second

func (a *app) inviteCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "invite",
		Short: "Print the URL that adds the bot to a Discord server",
		Long: `invite prints the OAuth2 URL that adds the bot to a Discord server, and
what it asks for: the scopes bot and applications.commands, and only the
permissions lectern uses, each with why. Open it, pick the server and
authorize; you need the Manage Server permission there.

The application is discord.application_id (LECTERN_DISCORD_APPLICATION_ID,
the Application ID on the General Information page of the developer
portal), or else the one the bot token (LECTERN_DISCORD_TOKEN) belongs to,
asked of Discord. lectern serve logs the same URL when it connects and no
server has added the bot yet.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			id, from, err := a.applicationID(cmd.Context())
			if err != nil {
				return err
			}
			out := bufio.NewWriter(a.stdout)
			defer out.Flush()
			if asJSON {
				return writeJSON(out, inviteJSON(id))
			}
			printInvite(out, id, from)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: the URL, the application, the scopes and the permissions")
	return cmd
}

// applicationID returns the application to invite, and where its ID came
// from: discord.application_id, else the token's application, asked of
// Discord.
func (a *app) applicationID(ctx context.Context) (id, from string, err error) {
	d := a.cfg.Discord
	if d.ApplicationID != "" { // config checked it is an ID
		return d.ApplicationID, "discord.application_id", nil
	}
	if d.Token == "" {
		return "", "", usagef("no application to invite: set LECTERN_DISCORD_APPLICATION_ID (discord.application_id) to the Application ID on the General Information page of your application in the Discord developer portal, or set the bot token, LECTERN_DISCORD_TOKEN, and lectern asks Discord")
	}
	if err := a.cfg.CheckToken(); err != nil {
		return "", "", usageError{err}
	}
	ctx, cancel := context.WithTimeout(ctx, inviteTimeout)
	defer cancel()
	id, err = bot.ApplicationID(ctx, d.Token, d.APIURL)
	switch {
	case err == nil:
		return id, "the bot token's application, from Discord", nil
	case errors.Is(err, bot.ErrBadToken):
		return "", "", usageError{err}
	case errors.Is(err, context.Canceled):
		return "", "", err
	}
	return "", "", fmt.Errorf("ask Discord which application the bot token belongs to: %w; or set LECTERN_DISCORD_APPLICATION_ID (General Information → Application ID)", err)
}

// printInvite writes the invite URL and what it asks for.
func printInvite(w *bufio.Writer, id, from string) {
	fmt.Fprintf(w, "Open this URL, pick your server and authorize (you need the Manage Server permission there):\n\n  %s\n\n", bot.InviteURL(id))
	fmt.Fprintf(w, "Application %s (%s). It asks for the scopes\n", id, from)
	fmt.Fprintf(w, "  %-22s the bot user, which answers mentions and direct messages\n", "bot")
	fmt.Fprintf(w, "  %-22s the slash commands /ask, /topics, /topic, /source and /help\n", "applications.commands")
	fmt.Fprintf(w, "and these permissions (%d), and no others:\n", bot.InvitePermissions())
	for _, p := range bot.Permissions() {
		fmt.Fprintf(w, "  %-25s %s\n", p.Name, p.Why)
	}
	fmt.Fprintln(w, "In a channel whose settings deny it one of these, the bot cannot answer mentions there; slash commands do not need them.")
}

type invitePermission struct {
	Name string `json:"name"`
	Bit  int64  `json:"bit"`
	Why  string `json:"why"`
}

type inviteOutput struct {
	URL            string             `json:"url"`
	ApplicationID  string             `json:"application_id"`
	Scopes         []string           `json:"scopes"`
	Permissions    int64              `json:"permissions"`
	PermissionList []invitePermission `json:"permission_list"`
}

func inviteJSON(id string) inviteOutput {
	out := inviteOutput{URL: bot.InviteURL(id), ApplicationID: id, Scopes: bot.InviteScopes, Permissions: bot.InvitePermissions()}
	for _, p := range bot.Permissions() {
		out.PermissionList = append(out.PermissionList, invitePermission{Name: p.Name, Bit: p.Bit, Why: p.Why})
	}
	return out
}

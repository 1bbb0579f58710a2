package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// ErrInvalidOptions is returned by SendCommand and SendAutocomplete when the
// options do not fit the registered command (Discord's client would not send
// them).
var ErrInvalidOptions = errors.New("discordtest: options do not match the registered command")

const maxCommands = 100

// storedCommand is a registered application command.
type storedCommand struct {
	id, guildID, version string
	fields               map[string]json.RawMessage // as sent
	parsed               discordgo.ApplicationCommand
	appID                string
}

// wire returns the command as Discord returns it: the fields sent plus the
// ones Discord fills in.
func (c *storedCommand) wire() []byte {
	out := map[string]any{}
	for k, v := range c.fields {
		out[k] = v
	}
	out["id"] = c.id
	out["application_id"] = c.appID
	out["version"] = c.version
	if _, ok := c.fields["type"]; !ok {
		out["type"] = 1
	}
	if c.guildID != "" {
		out["guild_id"] = c.guildID
	}
	if _, ok := c.fields["default_member_permissions"]; !ok {
		out["default_member_permissions"] = nil
	}
	if _, ok := c.fields["nsfw"]; !ok {
		out["nsfw"] = false
	}
	if _, ok := c.fields["description"]; !ok {
		out["description"] = ""
	}
	if c.guildID == "" {
		if _, ok := c.fields["dm_permission"]; !ok {
			out["dm_permission"] = true
		}
	}
	b, _ := json.Marshal(out)
	return b
}

func (c *storedCommand) typ() discordgo.ApplicationCommandType {
	if c.parsed.Type == 0 {
		return discordgo.ChatApplicationCommand
	}
	return c.parsed.Type
}

// availableInDM reports whether the command can be used in the bot's DMs.
func (c *storedCommand) availableInDM() bool {
	if c.guildID != "" {
		return false
	}
	if c.parsed.Contexts != nil {
		return slices.Contains(*c.parsed.Contexts, discordgo.InteractionContextBotDM)
	}
	//lint:ignore SA1019 Discord still honours dm_permission when contexts is absent.
	dm := c.parsed.DMPermission
	return dm == nil || *dm
}

// findCommandLocked finds the chat command name usable in ch: the guild's
// commands first, then global ones.
func (s *Server) findCommandLocked(name string, ch *channelState) *storedCommand {
	if ch.guildID != "" {
		for _, c := range s.commands[ch.guildID] {
			if c.parsed.Name == name && c.typ() == discordgo.ChatApplicationCommand {
				return c
			}
		}
	}
	for _, c := range s.commands[""] {
		if c.parsed.Name == name && c.typ() == discordgo.ChatApplicationCommand {
			if ch.guildID == "" && !c.availableInDM() {
				return nil
			}
			return c
		}
	}
	return nil
}

// checkOptions checks given options against the command's definitions. A
// focused option takes its registered type, as Discord sends it.
func checkOptions(defs []*discordgo.ApplicationCommandOption, given []*discordgo.ApplicationCommandInteractionDataOption, autocomplete bool) error {
	present := map[string]bool{}
	for i, g := range given {
		var def *discordgo.ApplicationCommandOption
		for _, d := range defs {
			if d.Name == g.Name {
				def = d
			}
		}
		if def == nil {
			return fmt.Errorf("%w: unknown option %q", ErrInvalidOptions, g.Name)
		}
		if present[g.Name] {
			return fmt.Errorf("%w: option %q given twice", ErrInvalidOptions, g.Name)
		}
		present[g.Name] = true
		if g.Focused {
			if !def.Autocomplete {
				return fmt.Errorf("%w: option %q does not have autocomplete", ErrInvalidOptions, g.Name)
			}
			if g.Type != def.Type {
				c := *g
				c.Type = def.Type
				given[i] = &c
			}
			continue
		}
		if g.Type != def.Type {
			return fmt.Errorf("%w: option %q has type %v, registered as %v", ErrInvalidOptions, g.Name, g.Type, def.Type)
		}
		switch def.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			if err := checkOptions(def.Options, g.Options, autocomplete); err != nil {
				return fmt.Errorf("%s: %w", g.Name, err)
			}
			continue
		}
		if len(def.Choices) > 0 && !autocomplete {
			ok := false
			for _, c := range def.Choices {
				if fmt.Sprint(c.Value) == fmt.Sprint(g.Value) {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("%w: option %q value %v is not one of its choices", ErrInvalidOptions, g.Name, g.Value)
			}
		}
	}
	if !autocomplete {
		for _, d := range defs {
			if d.Required && !present[d.Name] {
				return fmt.Errorf("%w: required option %q missing", ErrInvalidOptions, d.Name)
			}
		}
	}
	return nil
}

func (s *Server) commandsWireLocked(guildID string) []json.RawMessage {
	out := []json.RawMessage{}
	for _, c := range s.commands[guildID] {
		out = append(out, c.wire())
	}
	return out
}

// parseCommand validates one command object at path and returns it.
func (s *Server) parseCommand(fe *formErrors, path string, raw json.RawMessage, guildID string) *storedCommand {
	c := &storedCommand{guildID: guildID, appID: s.opts.ApplicationID}
	if !fe.decode(path, raw, &c.fields) {
		return nil
	}
	if !fe.decode(path, raw, &c.parsed) {
		return nil
	}
	cmd := c.parsed
	chat := cmd.Type == 0 || cmd.Type == discordgo.ChatApplicationCommand
	if cmd.Type > 4 {
		fe.add(join(path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
	}
	if chat {
		checkName(fe, join(path, "name"), cmd.Name)
		checkDescription(fe, join(path, "description"), cmd.Description)
	} else {
		if runes(cmd.Name) < 1 || runes(cmd.Name) > 32 {
			fe.add(join(path, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
		}
		if cmd.Description != "" {
			fe.add(join(path, "description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description")
		}
	}
	checkCommandOptions(fe, join(path, "options"), cmd.Options, 0)
	return c
}

func checkName(fe *formErrors, path, name string) {
	if !commandNameRE.MatchString(name) || strings.ToLower(name) != name {
		fe.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
}

func checkDescription(fe *formErrors, path, d string) {
	if runes(d) < 1 || runes(d) > 100 {
		fe.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
}

func checkCommandOptions(fe *formErrors, path string, opts []*discordgo.ApplicationCommandOption, depth int) {
	if len(opts) > 25 {
		fe.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	seen := map[string]bool{}
	optional := false
	for i, o := range opts {
		p := join(path, strconv.Itoa(i))
		checkName(fe, join(p, "name"), o.Name)
		checkDescription(fe, join(p, "description"), o.Description)
		if seen[o.Name] {
			fe.add(join(p, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
		}
		seen[o.Name] = true
		if o.Type < 1 || o.Type > 11 {
			fe.add(join(p, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.")
		}
		sub := o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup
		if sub {
			if depth >= 2 || (depth == 1 && o.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
				fe.add(join(p, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Sub-command and sub-command group option types are mutually exclusive to all other types")
			}
			checkCommandOptions(fe, join(p, "options"), o.Options, depth+1)
			continue
		}
		if o.Required && optional {
			fe.add(path, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
		}
		if !o.Required {
			optional = true
		}
		if len(o.Choices) > 25 {
			fe.add(join(p, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			fe.add(join(p, "autocomplete"), "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES", "Autocomplete cannot be set with choices")
		}
		for j, c := range o.Choices {
			cp := join(p, "choices."+strconv.Itoa(j))
			if runes(c.Name) < 1 || runes(c.Name) > 100 {
				fe.add(join(cp, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			}
			if v, ok := c.Value.(string); ok && (runes(v) < 1 || runes(v) > 100) {
				fe.add(join(cp, "value"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			}
		}
	}
}

// registerCommandsLocked replaces the commands of guildID ("" for global)
// with list, keeping the IDs of commands whose name and type are unchanged.
func (s *Server) registerCommandsLocked(guildID string, list []*storedCommand) {
	old := s.commands[guildID]
	for _, c := range list {
		c.id = ""
		for _, o := range old {
			if o.parsed.Name == c.parsed.Name && o.typ() == c.typ() {
				c.id = o.id
			}
		}
		if c.id == "" {
			c.id = s.ids.next()
		}
		c.version = s.ids.next()
	}
	s.commands[guildID] = list
	s.notifyLocked()
}

// handlers for /applications/{application_id}[/guilds/{guild_id}]/commands

func (s *Server) checkAppLocked(c *call) *reply {
	if c.params["application_id"] != s.opts.ApplicationID {
		return errorReplyPtr(403, 50001, "Missing Access")
	}
	if g := c.params["guild_id"]; g != "" {
		if _, ok := s.guilds[g]; !ok {
			return errorReplyPtr(403, 50001, "Missing Access")
		}
	}
	return nil
}

func (s *Server) getCommands(c *call) reply {
	if r := s.checkAppLocked(c); r != nil {
		return *r
	}
	return jsonReply(200, s.commandsWireLocked(c.params["guild_id"]))
}

func (s *Server) putCommands(c *call) reply {
	if r := s.checkAppLocked(c); r != nil {
		return *r
	}
	var raws []json.RawMessage
	var fe formErrors
	if !fe.decode("", c.payload, &raws) {
		return formReply(fe)
	}
	if len(raws) > maxCommands {
		fe.add("", "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxCommands)
	}
	guildID := c.params["guild_id"]
	var list []*storedCommand
	seen := map[string]bool{}
	for i, raw := range raws {
		cmd := s.parseCommand(&fe, strconv.Itoa(i), raw, guildID)
		if cmd == nil {
			continue
		}
		key := fmt.Sprint(cmd.typ(), cmd.parsed.Name)
		if seen[key] {
			fe.add(strconv.Itoa(i)+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		seen[key] = true
		list = append(list, cmd)
	}
	if len(fe) > 0 {
		return formReply(fe)
	}
	s.registerCommandsLocked(guildID, list)
	return jsonReply(200, s.commandsWireLocked(guildID))
}

func (s *Server) postCommand(c *call) reply {
	if r := s.checkAppLocked(c); r != nil {
		return *r
	}
	var fe formErrors
	guildID := c.params["guild_id"]
	cmd := s.parseCommand(&fe, "", c.payload, guildID)
	if len(fe) > 0 || cmd == nil {
		return formReply(fe)
	}
	list := slices.Clone(s.commands[guildID])
	status := 201
	replaced := false
	for i, o := range list {
		if o.parsed.Name == cmd.parsed.Name && o.typ() == cmd.typ() {
			list[i] = cmd
			replaced = true
			status = 200
		}
	}
	if !replaced {
		list = append(list, cmd)
	}
	s.registerCommandsLocked(guildID, list)
	return jsonReply(status, json.RawMessage(cmd.wire()))
}

func (s *Server) deleteCommand(c *call) reply {
	if r := s.checkAppLocked(c); r != nil {
		return *r
	}
	guildID := c.params["guild_id"]
	list := s.commands[guildID]
	for i, o := range list {
		if o.id == c.params["command_id"] {
			s.commands[guildID] = slices.Delete(slices.Clone(list), i, i+1)
			s.notifyLocked()
			return reply{status: 204}
		}
	}
	return errorReply(404, 10063, "Unknown application command")
}

package discordtest

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// message is the server's copy of a Discord message.
type message struct {
	id, channelID, guildID string
	author                 User
	content                string
	embeds                 []json.RawMessage
	components             []json.RawMessage
	attachments            []json.RawMessage
	poll                   json.RawMessage
	stickers               int
	flags                  int64
	typ                    int
	tts                    bool
	createdAt              time.Time
	editedAt               *time.Time
	nonce                  string

	mentions        []User
	mentionRoles    []string
	mentionEveryone bool
	referenceID     string // replied-to message, if any
	noReplyPing     bool   // a user's reply that does not mention the replied-to author

	// set for messages created through an interaction token
	webhookID        string
	interactionID    string
	interactionType  int
	interactionName  string
	interactionUser  User
	interactionGuild string

	deleted bool
}

// memberJoinedAt is the join time reported for every guild member.
func memberJoinedAt() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }

func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

func userWire(u User) map[string]any {
	w := map[string]any{
		"id":            u.ID,
		"username":      u.Username,
		"discriminator": "0",
		"global_name":   nil,
		"avatar":        nil,
		"public_flags":  0,
	}
	if u.GlobalName != "" {
		w["global_name"] = u.GlobalName
	}
	if u.Bot {
		w["bot"] = true
	}
	return w
}

func memberWire(withUser *User, permissions string) map[string]any {
	w := map[string]any{
		"roles":                        []string{},
		"joined_at":                    timestamp(memberJoinedAt()),
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"nick":                         nil,
		"avatar":                       nil,
		"premium_since":                nil,
		"communication_disabled_until": nil,
	}
	if withUser != nil {
		w["user"] = userWire(*withUser)
	}
	if permissions != "" {
		w["permissions"] = permissions
	}
	return w
}

func rawList(l []json.RawMessage) []json.RawMessage {
	if l == nil {
		return []json.RawMessage{}
	}
	return l
}

// renderMessageLocked returns the message's JSON as Discord sends it. With
// withRef, a reply carries its referenced_message (one level deep).
func (s *Server) renderMessageLocked(m *message, withRef bool) []byte {
	mentions := make([]map[string]any, 0, len(m.mentions))
	for _, u := range m.mentions {
		w := userWire(u)
		if m.guildID != "" {
			w["member"] = memberWire(nil, "")
		}
		mentions = append(mentions, w)
	}
	w := map[string]any{
		"id":               m.id,
		"channel_id":       m.channelID,
		"type":             m.typ,
		"content":          m.content,
		"author":           userWire(m.author),
		"timestamp":        timestamp(m.createdAt),
		"edited_timestamp": nil,
		"tts":              m.tts,
		"mention_everyone": m.mentionEveryone,
		"mentions":         mentions,
		"mention_roles":    append([]string{}, m.mentionRoles...),
		"attachments":      rawList(m.attachments),
		"embeds":           rawList(m.embeds),
		"components":       rawList(m.components),
		"pinned":           false,
		"flags":            m.flags,
	}
	if m.editedAt != nil {
		w["edited_timestamp"] = timestamp(*m.editedAt)
	}
	if m.guildID != "" {
		w["guild_id"] = m.guildID
		if !m.author.Bot || m.webhookID == "" {
			w["member"] = memberWire(nil, "")
		}
	}
	if m.poll != nil {
		w["poll"] = m.poll
	}
	if m.nonce != "" {
		w["nonce"] = m.nonce
	}
	if m.webhookID != "" {
		w["webhook_id"] = m.webhookID
		w["application_id"] = m.webhookID
	}
	if m.interactionID != "" {
		meta := map[string]any{
			"id":   m.interactionID,
			"type": m.interactionType,
			"user": userWire(m.interactionUser),
		}
		owners := map[string]string{"0": m.interactionGuild}
		if m.interactionGuild == "" {
			owners = map[string]string{"0": "0"}
		}
		meta["authorizing_integration_owners"] = owners
		legacy := map[string]any{
			"id":   m.interactionID,
			"type": m.interactionType,
			"name": m.interactionName,
			"user": userWire(m.interactionUser),
		}
		if m.interactionName != "" {
			meta["name"] = m.interactionName
		}
		w["interaction_metadata"] = meta
		w["interaction"] = legacy
	}
	if m.referenceID != "" {
		ref := map[string]any{"type": 0, "message_id": m.referenceID, "channel_id": m.channelID}
		if m.guildID != "" {
			ref["guild_id"] = m.guildID
		}
		w["message_reference"] = ref
		if withRef {
			if r, ok := s.messages[m.referenceID]; ok && !r.deleted {
				w["referenced_message"] = json.RawMessage(s.renderMessageLocked(r, false))
			} else {
				w["referenced_message"] = nil
			}
		}
	}
	b, _ := json.Marshal(w)
	return b
}

// mentionRE matches user, role and @everyone/@here mentions in content.
var mentionRE = regexp.MustCompile(`<@!?(\d+)>|<@&(\d+)>|@everyone|@here`)

// computeMentionsLocked fills the mention fields of m from its content, as
// Discord does, limited by allowed_mentions when am is not nil (nil means
// the field was absent, which allows everything).
func (s *Server) computeMentionsLocked(m *message, am *allowedMentions) {
	m.mentions, m.mentionRoles, m.mentionEveryone = nil, nil, false
	allow := func(kind, id string) bool {
		if am == nil {
			return true
		}
		if slices.Contains(am.Parse, kind) {
			return true
		}
		switch kind {
		case "users":
			return slices.Contains(am.Users, id)
		case "roles":
			return slices.Contains(am.Roles, id)
		}
		return false
	}
	addUser := func(u User) {
		for _, x := range m.mentions {
			if x.ID == u.ID {
				return
			}
		}
		m.mentions = append(m.mentions, u)
	}
	for _, sm := range mentionRE.FindAllStringSubmatch(m.content, -1) {
		switch {
		case sm[1] != "":
			if allow("users", sm[1]) {
				addUser(s.userLocked(sm[1]))
			}
		case sm[2] != "":
			if allow("roles", sm[2]) && !slices.Contains(m.mentionRoles, sm[2]) {
				m.mentionRoles = append(m.mentionRoles, sm[2])
			}
		default:
			if allow("everyone", "") && m.guildID != "" {
				m.mentionEveryone = true
			}
		}
	}
	if m.referenceID != "" && !m.noReplyPing && (am == nil || am.RepliedUser) {
		if r, ok := s.messages[m.referenceID]; ok && r.author.ID != m.author.ID {
			addUser(r.author)
		}
	}
}

func (s *Server) userLocked(id string) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return User{ID: id, Username: "user" + id}
}

func (m *message) mentionsUser(id string) bool {
	for _, u := range m.mentions {
		if u.ID == id {
			return true
		}
	}
	return false
}

func (m *message) empty() bool {
	return strings.TrimSpace(m.content) == "" && len(m.embeds) == 0 && len(m.components) == 0 &&
		len(m.attachments) == 0 && m.stickers == 0 && m.poll == nil
}

// apply copies the fields present in the body onto m, so it serves both
// create and edit; a present null clears the field, as a PATCH does.
func (m *message) apply(in msgInput, files []fileInfo, newID func() string) {
	if in.contentSet {
		m.content = in.content
	}
	if in.embedsSet {
		m.embeds = in.embeds
	}
	if in.componentsSet {
		m.components = in.components
	}
	if in.flagsSet {
		keep := m.flags & (flagEphemeral | flagLoading)
		m.flags = keep | in.flags&(flagSuppressEmbeds|flagSuppressNotifications|flagComponentsV2)
	}
	if in.attachmentsSet {
		m.attachments = append([]json.RawMessage(nil), in.attachments...)
	}
	for _, f := range files {
		b, _ := json.Marshal(map[string]any{
			"id":       newID(),
			"filename": f.Name,
			"size":     f.Size,
			"url":      "https://cdn.discordapp.com/attachments/" + m.channelID + "/" + m.id + "/" + f.Name,
		})
		m.attachments = append(m.attachments, b)
	}
	if in.stickers > 0 {
		m.stickers = in.stickers
	}
	if in.poll != nil {
		m.poll = in.poll
	}
	m.tts = m.tts || in.tts
}

// hidesContentFrom reports whether content fields must be blanked for a
// session lacking the MESSAGE_CONTENT intent: true for guild messages that
// neither come from nor mention the bot.
func (m *message) hidesContentFrom(botID string) bool {
	return m.guildID != "" && m.author.ID != botID && !m.mentionsUser(botID)
}

// ButtonID returns the custom_id of the button on m labelled label, or
// whose emoji is label ("👍"), and whether there is one: what a test
// clicks with ClickComponent.
func ButtonID(m *discordgo.Message, label string) (string, bool) {
	for _, row := range m.Components {
		ar, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if b, ok := c.(*discordgo.Button); ok && (b.Label == label || b.Emoji != nil && b.Emoji.Name == label) {
				return b.CustomID, true
			}
		}
	}
	return "", false
}

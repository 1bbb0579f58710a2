// Package bot connects lectern to Discord: it answers mentions, direct
// messages and slash commands with cited excerpts from the text. It is the
// only package that imports discordgo.
package bot

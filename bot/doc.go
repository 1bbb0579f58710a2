// Package bot is lectern's conversation with people: it answers
// questions, commands and button clicks with cited excerpts from one or
// more books.
//
// The Core holds every flow (a question, more results, context, feedback,
// topics, source, help, cooldowns, the state buttons carry, the book that
// answers, Discord's limits, and what a user sees when something fails) as
// plain Go: a Request in, a Response out, from books it reads through the
// Answerer interface. It never touches the network.
//
// Doors turn what they receive into Requests and deliver Responses: Bot is
// the Discord gateway door, HTTPDoor the HTTP interactions endpoint, and
// Reply.Text renders replies for a terminal (lectern chat). This is the only package that imports discordgo.
package bot

// Package discordtest is an in-process Discord API and gateway for tests,
// against which the real, unmodified discordgo client runs.
//
// A Server serves the REST API under /api/v9 and the gateway websocket (JSON
// encoding) at the URL it returns from GET /gateway. Point a discordgo
// session at it by giving the session an http.Client whose transport
// rewrites https://discord.com to Server.URL; discordgo then learns the
// websocket URL from GET /gateway and dials it with its own dialer:
//
//	srv := discordtest.NewServer(t, discordtest.Options{})
//	s, _ := discordgo.New("Bot " + srv.Token())
//	s.Client = &http.Client{Transport: rewriteToServer(srv.URL())}
//	s.AddHandler(onInteraction)
//	if err := s.Open(); err != nil { ... }
//	defer s.Close()
//
//	in, _ := srv.SendCommand(discordtest.Command{Name: "ask", Options: opts})
//	rec, err := srv.WaitForInteraction(ctx, in.ID, func(r discordtest.InteractionRecord) bool {
//		return r.Original != nil && r.Edits > 0
//	})
//
// The server behaves as Discord documents, so that tests catch what Discord
// would reject:
//
//   - The gateway sends HELLO, checks IDENTIFY (token with or without the
//     "Bot " prefix, intents, privileged intents) and closes with 4004, 4013
//     or 4014 as Discord does; it answers heartbeats, numbers dispatches per
//     session, replays missed dispatches on RESUME and answers an unknown
//     session with INVALID_SESSION. DropConnections, RequestReconnect,
//     InvalidateSessions and CloseConnections break connections on purpose.
//   - SendMessage, SendCommand, SendAutocomplete and ClickComponent dispatch
//     what a user does. MESSAGE_CREATE honours GUILD_MESSAGES,
//     DIRECT_MESSAGES and MESSAGE_CONTENT (content is blank for guild
//     messages that do not mention the bot). The bot's own messages are
//     echoed back as MESSAGE_CREATE/UPDATE/DELETE unless Options.NoEcho.
//   - REST routes check the bot token (401), validate every message body
//     against Discord's limits (400 code 50035 "Invalid Form Body" with
//     Discord's nested errors object, or 50006 for an empty message), enforce
//     one response per interaction (40060), the interaction deadline (10062),
//     and answer unknown routes with 404 (listed by Unmatched).
//   - RateLimitNext, GlobalRateLimitNext and AddRateLimit serve 429s with
//     Discord's body and headers (retry_after, bucket, scope, global). After
//     a global 429, every request made with the bot token gets one until
//     retry_after has passed, except interaction endpoints, which Discord
//     does not bind to the global limit.
//   - InjectFault fails chosen requests (the next N, or a reproducible
//     fraction, per route) with 5xx statuses or by closing the connection,
//     before or after handling them; a message posted with a nonce and
//     enforce_nonce is created once however often it is retried.
//   - SendRaw writes any frame, such as "null", on the gateway connections,
//     and Dispatch sends any event with any data (nil sends "d": null) to
//     every session, to test how a client survives payloads Discord should
//     never send.
//
// Sharding follows Discord's Gateway docs. GET /gateway/bot reports
// Options.Shards and session_start_limit (total, remaining, reset_after,
// max_concurrency). IDENTIFY may carry shard [id, count]; an invalid one is
// closed with 4010, and with Options.RequireSharding a missing one with 4011
// and a count other than Options.Shards with 4010. Each rate limit key,
// shard_id % max_concurrency, gets one IDENTIFY per Options.IdentifyWindow
// (5s unless shrunk); a second is answered with INVALID_SESSION, as Discord
// documents, and a connection sending more than 120 commands a minute
// (heartbeats aside) is closed with 4008. Several sessions, from one process
// or many, may connect. A guild belongs to shard (guild_id >> 22) %
// num_shards: a session's READY lists only its shard's guilds, and a guild's
// GUILD_CREATE, MESSAGE_CREATE, THREAD_CREATE and INTERACTION_CREATE go only
// to that shard's sessions; DMs go to shard 0. ShardGuildID picks guild IDs
// for a shard; Sessions and Identifies show which session got what and when
// each IDENTIFY came.
//
// Threads and forums: Options.Guilds may hold forum channels (type 15) and
// existing public threads. CreateThread starts a thread as a user does (from
// a message it takes the message's ID) and CreateForumPost creates a forum
// post: a public thread whose first message has the thread's ID, dispatched
// as THREAD_CREATE (newly_created, needing GUILDS) then MESSAGE_CREATE in
// the thread (needing GUILD_MESSAGES, content blank without MESSAGE_CONTENT
// unless the bot is mentioned). Messages, commands and bot replies work in
// threads; a message to a forum channel itself is refused with 400 50008.
// The bot sees a private thread only if it is a member. The bot may create
// threads and forum posts through POST /channels/{id}/threads and
// /channels/{id}/messages/{id}/threads.
//
// HTTP interactions: with Options.InteractionsEndpointURL (or
// SetInteractionsEndpoint, which first runs Discord's checks), interactions
// are POSTed to the bot's endpoint, signed with Ed25519 (X-Signature-Ed25519
// over X-Signature-Timestamp + body, verifiable with PublicKey), instead of
// coming over the gateway. The HTTP response is validated and recorded as
// the initial response with the same rules as the callback route; a 202
// with no body leaves the response to the callback route. No valid response
// within 3s (or Options.InteractionDeadline) marks the interaction Failed.
// SendPing, SendSignedRequest and CheckEndpoint send PINGs and badly signed
// or stale requests; Deliveries records every request and answer.
//
// Everything is recorded for assertions: Requests (raw bodies included),
// Messages, Interaction records, Commands, Identifies, Sessions, Threads,
// Deliveries, Stats and RateLimits, with blocking Wait* methods that take a
// context instead of sleeping.
package discordtest

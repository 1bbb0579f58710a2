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
//     and Dispatch sends any event with any data (nil sends "d": null), to
//     test how a client survives payloads Discord should never send.
//
// Everything is recorded for assertions: Requests (raw bodies included),
// Messages, Interaction records, Commands, Identifies, Stats and RateLimits,
// with blocking Wait* methods that take a context instead of sleeping.
package discordtest

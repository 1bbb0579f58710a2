package discordtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// route is one REST endpoint.
type route struct {
	method  string
	pattern string // relative to /api/vN, such as /channels/{channel_id}/messages
	segs    []string
	auth    bool // needs the bot token
	handle  func(*Server, *call) reply
}

// call is a REST request being handled.
type call struct {
	r       *http.Request
	path    string // relative to /api/vN
	params  map[string]string
	query   url.Values
	body    []byte
	payload json.RawMessage // the JSON part of the body
	files   []fileInfo
	now     time.Time
	events  []messageEvent // delivered after the state lock is released
}

// reply is a handler's answer.
type reply struct {
	status int
	body   any // marshalled to JSON; nil for an empty body
	errs   formErrors
}

func jsonReply(status int, body any) reply { return reply{status: status, body: body} }

func errorReply(status, code int, msg string) reply {
	return reply{status: status, body: map[string]any{"message": msg, "code": code}}
}

func errorReplyPtr(status, code int, msg string) *reply {
	r := errorReply(status, code, msg)
	return &r
}

func formReply(fe formErrors) reply {
	return reply{status: 400, errs: fe, body: map[string]any{
		"code":    50035,
		"message": "Invalid Form Body",
		"errors":  fe.body(),
	}}
}

func emptyMessageReply() reply { return errorReply(400, 50006, "Cannot send an empty message") }

func (s *Server) buildRoutes() []route {
	list := []route{
		{method: "GET", pattern: "/gateway", handle: (*Server).getGateway},
		{method: "GET", pattern: "/gateway/bot", auth: true, handle: (*Server).getGatewayBot},
		{method: "GET", pattern: "/users/@me", auth: true, handle: (*Server).getMe},
		{method: "POST", pattern: "/users/@me/channels", auth: true, handle: (*Server).createDM},
		{method: "GET", pattern: "/users/{user_id}", auth: true, handle: (*Server).getUser},
		{method: "GET", pattern: "/applications/@me", auth: true, handle: (*Server).getApplication},
		{method: "GET", pattern: "/oauth2/applications/@me", auth: true, handle: (*Server).getApplication},
		{method: "GET", pattern: "/applications/{application_id}/commands", auth: true, handle: (*Server).getCommands},
		{method: "PUT", pattern: "/applications/{application_id}/commands", auth: true, handle: (*Server).putCommands},
		{method: "POST", pattern: "/applications/{application_id}/commands", auth: true, handle: (*Server).postCommand},
		{method: "DELETE", pattern: "/applications/{application_id}/commands/{command_id}", auth: true, handle: (*Server).deleteCommand},
		{method: "GET", pattern: "/applications/{application_id}/guilds/{guild_id}/commands", auth: true, handle: (*Server).getCommands},
		{method: "PUT", pattern: "/applications/{application_id}/guilds/{guild_id}/commands", auth: true, handle: (*Server).putCommands},
		{method: "POST", pattern: "/applications/{application_id}/guilds/{guild_id}/commands", auth: true, handle: (*Server).postCommand},
		{method: "DELETE", pattern: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", auth: true, handle: (*Server).deleteCommand},
		{method: "GET", pattern: "/channels/{channel_id}", auth: true, handle: (*Server).getChannel},
		{method: "POST", pattern: "/channels/{channel_id}/messages", auth: true, handle: (*Server).createMessage},
		{method: "GET", pattern: "/channels/{channel_id}/messages/{message_id}", auth: true, handle: (*Server).getMessage},
		{method: "PATCH", pattern: "/channels/{channel_id}/messages/{message_id}", auth: true, handle: (*Server).editMessage},
		{method: "DELETE", pattern: "/channels/{channel_id}/messages/{message_id}", auth: true, handle: (*Server).deleteMessage},
		{method: "PUT", pattern: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", auth: true, handle: (*Server).addReaction},
		{method: "POST", pattern: "/channels/{channel_id}/typing", auth: true, handle: (*Server).typing},
		{method: "POST", pattern: "/channels/{channel_id}/messages/{message_id}/threads", auth: true, handle: (*Server).startThreadFromMessage},
		{method: "POST", pattern: "/channels/{channel_id}/threads", auth: true, handle: (*Server).startThread},
		{method: "POST", pattern: "/interactions/{interaction_id}/{interaction_token}/callback", handle: (*Server).interactionCallback},
		{method: "GET", pattern: "/webhooks/{application_id}/{interaction_token}/messages/@original", handle: (*Server).getWebhookMessage},
		{method: "PATCH", pattern: "/webhooks/{application_id}/{interaction_token}/messages/@original", handle: (*Server).editWebhookMessage},
		{method: "DELETE", pattern: "/webhooks/{application_id}/{interaction_token}/messages/@original", handle: (*Server).deleteWebhookMessage},
		{method: "POST", pattern: "/webhooks/{application_id}/{interaction_token}", handle: (*Server).createFollowup},
		{method: "GET", pattern: "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", handle: (*Server).getWebhookMessage},
		{method: "PATCH", pattern: "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", handle: (*Server).editWebhookMessage},
		{method: "DELETE", pattern: "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", handle: (*Server).deleteWebhookMessage},
	}
	for i := range list {
		list[i].segs = strings.Split(strings.Trim(list[i].pattern, "/"), "/")
	}
	return list
}

// match returns the route for method and p, whether some route matched the
// path with another method, and the path parameters.
func (s *Server) match(method, p string) (*route, bool, map[string]string) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	pathMatched := false
	var best *route
	var bestParams map[string]string
	bestLiterals := -1
	for i := range s.routes {
		rt := &s.routes[i]
		if len(rt.segs) != len(segs) {
			continue
		}
		params := map[string]string{}
		literals := 0
		ok := true
		for j, seg := range rt.segs {
			if strings.HasPrefix(seg, "{") {
				if segs[j] == "" {
					ok = false
					break
				}
				params[strings.Trim(seg, "{}")] = segs[j]
			} else if seg == segs[j] {
				literals++
			} else {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if rt.method != method {
			pathMatched = true
			continue
		}
		if literals > bestLiterals {
			best, bestParams, bestLiterals = rt, params, literals
		}
	}
	return best, pathMatched, bestParams
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
		s.serveGateway(w, r)
		return
	}
	now := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 26<<20))
	rest, versioned := "", false
	for _, prefix := range []string{"/api/v9", "/api/v10"} {
		if r.URL.Path == prefix || strings.HasPrefix(r.URL.Path, prefix+"/") {
			rest, versioned = strings.TrimPrefix(r.URL.Path, prefix), true
		}
	}
	c := &call{r: r, path: rest, query: r.URL.Query(), body: body, now: now}
	authorized := r.Header.Get("Authorization") == "Bot "+s.token

	var rt *route
	var rep reply
	var rateLimited *RateLimitEvent
	if !versioned {
		rep = errorReply(404, 0, "404: Not Found")
	} else {
		var pathMatched bool
		rt, pathMatched, c.params = s.match(r.Method, rest)
		switch {
		case rt == nil && pathMatched:
			rep = errorReply(405, 0, "405: Method Not Allowed")
		case rt == nil:
			rep = errorReply(404, 0, "404: Not Found")
		case rt.auth && !authorized:
			rep = errorReply(401, 0, "401: Unauthorized")
		}
	}
	if rt != nil && rep.status == 0 {
		if bad := c.readPayload(); bad != nil {
			rep = *bad
		}
	}

	s.mu.Lock()
	for i := range s.rateEvents {
		ev := &s.rateEvents[i]
		if ev.RetriedAt.IsZero() && ev.Method == r.Method && ev.Path == r.URL.Path {
			ev.RetriedAt = now
		}
	}
	var fault *Fault
	if rt != nil && rep.status == 0 {
		rateLimited = s.globalLimitedLocked(rt, authorized, r.Method, r.URL.Path, now)
		if rateLimited == nil {
			rateLimited = s.takeRateLimitLocked(r.Method, rest, r.URL.Path, now)
		}
		if rateLimited == nil {
			fault = s.takeFaultLocked(r.Method, rest)
			if fault == nil || fault.AfterHandling {
				rep = rt.handle(s, c)
			}
			if fault != nil && !fault.Drop {
				rep = faultReply(fault)
			}
		}
	}
	header := r.Header.Clone()
	header.Del("Authorization")
	var respBody []byte
	if rateLimited != nil {
		rep = reply{status: 429, body: map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": math.Round(rateLimited.RetryAfter.Seconds()*1000) / 1000,
			"global":      rateLimited.Global,
		}}
	}
	if rep.body != nil {
		respBody, _ = json.Marshal(rep.body)
	}
	if fault != nil && fault.Drop {
		rep.status, respBody = 0, nil
	}
	req := Request{
		Seq:         len(s.requests) + 1,
		Time:        now,
		Method:      r.Method,
		Path:        r.URL.Path,
		Params:      c.params,
		Query:       c.query,
		Header:      header,
		Authorized:  authorized,
		Body:        body,
		Status:      rep.status,
		Response:    respBody,
		Errors:      rep.errs,
		RateLimited: rateLimited != nil,
		Fault:       fault != nil,
	}
	if rt != nil {
		req.Route = rt.method + " " + rt.pattern
	}
	s.requests = append(s.requests, req)
	s.notifyLocked()
	s.mu.Unlock()

	s.logf("rest: %s", req.String())
	s.deliverMessageEvents(c.events)
	if fault != nil && fault.Drop {
		dropConnection(w)
		return
	}

	h := w.Header()
	if rt != nil {
		s.setRateHeaders(h, rt, c, rateLimited, now)
	}
	if respBody != nil {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(respBody)
}

// readPayload extracts the JSON payload (and file parts of a multipart body).
func (c *call) readPayload() *reply {
	if len(c.body) == 0 {
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err == nil && strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errorReplyPtr(400, 50109, "The request body contains invalid JSON.")
			}
			data, _ := io.ReadAll(p)
			if p.FormName() == "payload_json" {
				c.payload = data
			} else if p.FileName() != "" {
				c.files = append(c.files, fileInfo{Name: p.FileName(), Size: len(data)})
			}
		}
	} else {
		c.payload = c.body
	}
	if len(c.payload) > 0 && !json.Valid(c.payload) {
		return errorReplyPtr(400, 50109, "The request body contains invalid JSON.")
	}
	return nil
}

// rateRule makes matching requests get 429s.
type rateRule struct {
	method     string
	pattern    string
	retryAfter time.Duration
	remaining  int
	global     bool
	scope      string // X-RateLimit-Scope of a per-route limit
	bucket     string // X-RateLimit-Bucket override
}

// RateLimitNext makes the next n requests whose method equals method (any
// method if empty) and whose path below /api/v9 matches pattern get 429 Too
// Many Requests with retry_after = retryAfter. pattern uses path.Match
// syntax, where * matches one path segment: "/channels/*/messages". The
// response carries Discord's headers (Retry-After, X-RateLimit-Limit,
// -Remaining, -Reset, -Reset-After, -Bucket, -Scope); discordgo sleeps
// retry_after and retries by itself. Served 429s appear in RateLimits.
func (s *Server) RateLimitNext(method, pattern string, retryAfter time.Duration, n int) {
	s.addRateRule(&rateRule{method: method, pattern: pattern, retryAfter: retryAfter, remaining: n})
}

// GlobalRateLimitNext is RateLimitNext for Discord's global rate limit: the
// 429s carry "global": true, X-RateLimit-Global and X-RateLimit-Scope
// "global", and no bucket headers. As on Discord, every other request made
// with the bot token is refused with a global 429 too until retryAfter has
// passed, except interaction endpoints (see RateLimitRule.Global).
// discordgo sleeps retry_after and retries the request; it does not hold
// back other requests meanwhile.
func (s *Server) GlobalRateLimitNext(method, pattern string, retryAfter time.Duration, n int) {
	s.addRateRule(&rateRule{method: method, pattern: pattern, retryAfter: retryAfter, remaining: n, global: true})
}

func (s *Server) addRateRule(r *rateRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateRules = append(s.rateRules, r)
}

func (s *Server) takeRateLimitLocked(method, rest, fullPath string, now time.Time) *RateLimitEvent {
	for _, rule := range s.rateRules {
		if rule.remaining <= 0 || (rule.method != "" && rule.method != method) {
			continue
		}
		if ok, _ := path.Match(rule.pattern, rest); !ok {
			continue
		}
		rule.remaining--
		scope := rule.scope
		if rule.global {
			scope = "global"
			if until := now.Add(rule.retryAfter); until.After(s.globalUntil) {
				s.globalUntil = until
			}
		} else if scope == "" {
			scope = "user"
		}
		s.rateEvents = append(s.rateEvents, RateLimitEvent{
			Method:     method,
			Path:       fullPath,
			Global:     rule.global,
			Scope:      scope,
			Bucket:     rule.bucket,
			RetryAfter: rule.retryAfter,
			ServedAt:   now,
		})
		ev := s.rateEvents[len(s.rateEvents)-1]
		return &ev
	}
	return nil
}

// Rate limit headers on successful responses: a bucket of 5 with 4 left, so
// discordgo never waits on its own.
const (
	bucketLimit     = 5
	bucketRemaining = 4
	bucketResetSecs = 1.0
)

func (s *Server) setRateHeaders(h http.Header, rt *route, c *call, limited *RateLimitEvent, now time.Time) {
	// Discord buckets routes by their major parameters.
	key := rt.method + " " + rt.pattern
	for _, major := range []string{"channel_id", "guild_id", "interaction_token"} {
		if v, ok := c.params[major]; ok {
			key += " " + v
		}
	}
	sum := sha1.Sum([]byte(key))
	bucket := hex.EncodeToString(sum[:8])
	if limited != nil && limited.Bucket != "" {
		bucket = limited.Bucket
	}
	secs := func(d float64) string { return strconv.FormatFloat(d, 'f', 3, 64) }
	epoch := func(t time.Time) string { return secs(float64(t.UnixMilli()) / 1000) }
	if limited == nil {
		h.Set("X-RateLimit-Bucket", bucket)
		h.Set("X-RateLimit-Limit", strconv.Itoa(bucketLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(bucketRemaining))
		h.Set("X-RateLimit-Reset", epoch(now.Add(time.Duration(bucketResetSecs*float64(time.Second)))))
		h.Set("X-RateLimit-Reset-After", secs(bucketResetSecs))
		return
	}
	ra := limited.RetryAfter.Seconds()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(ra))))
	if limited.Global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
		return
	}
	h.Set("X-RateLimit-Bucket", bucket)
	h.Set("X-RateLimit-Limit", strconv.Itoa(bucketLimit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", epoch(now.Add(limited.RetryAfter)))
	h.Set("X-RateLimit-Reset-After", secs(ra))
	h.Set("X-RateLimit-Scope", limited.Scope)
}

// Handlers. Each runs with s.mu held.

func (s *Server) getGateway(*call) reply {
	return jsonReply(200, map[string]any{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(c *call) reply {
	return jsonReply(200, s.gatewayBotLocked(c.now))
}

func (s *Server) getMe(*call) reply {
	u := userWire(s.botUser)
	u["verified"] = true
	u["mfa_enabled"] = false
	u["flags"] = 0
	u["email"] = nil
	return jsonReply(200, u)
}

func (s *Server) getUser(c *call) reply {
	u, ok := s.users[c.params["user_id"]]
	if !ok {
		return errorReply(404, 10013, "Unknown User")
	}
	return jsonReply(200, userWire(u))
}

func (s *Server) createDM(c *call) reply {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	var fe formErrors
	if !fe.decode("", c.payload, &body) {
		return formReply(fe)
	}
	if body.RecipientID == "" {
		fe.add("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		return formReply(fe)
	}
	ch := s.dmChannelLocked(s.userLocked(body.RecipientID))
	return jsonReply(200, s.channelWireLocked(ch, 0))
}

func (s *Server) getApplication(*call) reply {
	return jsonReply(200, map[string]any{
		"id":                     s.opts.ApplicationID,
		"name":                   s.botUser.Username,
		"icon":                   nil,
		"description":            "",
		"bot_public":             true,
		"bot_require_code_grant": false,
		"verify_key":             s.PublicKey(),
		"flags":                  s.applicationFlags(),
		"bot":                    userWire(s.botUser),
	})
}

func (s *Server) getChannel(c *call) reply {
	ch, ok := s.channels[c.params["channel_id"]]
	if !ok {
		return errorReply(404, 10003, "Unknown Channel")
	}
	if !ch.botSees() {
		return missingAccessReply()
	}
	return jsonReply(200, s.channelWireLocked(ch, 0))
}

// missingAccessReply answers a request about a channel the bot cannot
// view, such as a private thread it is not a member of.
func missingAccessReply() reply { return errorReply(403, 50001, "Missing Access") }

func (s *Server) typing(c *call) reply {
	ch, ok := s.channels[c.params["channel_id"]]
	if !ok {
		return errorReply(404, 10003, "Unknown Channel")
	}
	if !ch.takesMessages() {
		return nonTextChannelReply()
	}
	return reply{status: 204}
}

// nonTextChannelReply is Discord's answer to a message sent to a channel
// that takes none, such as a forum channel.
func nonTextChannelReply() reply {
	return errorReply(400, 50008, "Cannot send messages in a non-text channel")
}

func (s *Server) channelMessageLocked(c *call) (*message, *reply) {
	if _, ok := s.channels[c.params["channel_id"]]; !ok {
		return nil, errorReplyPtr(404, 10003, "Unknown Channel")
	}
	m, ok := s.messages[c.params["message_id"]]
	if !ok || m.deleted || m.channelID != c.params["channel_id"] {
		return nil, errorReplyPtr(404, 10008, "Unknown Message")
	}
	return m, nil
}

func (s *Server) addReaction(c *call) reply {
	if _, r := s.channelMessageLocked(c); r != nil {
		return *r
	}
	return reply{status: 204}
}

func (s *Server) getMessage(c *call) reply {
	m, r := s.channelMessageLocked(c)
	if r != nil {
		return *r
	}
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

func (s *Server) createMessage(c *call) reply {
	ch, ok := s.channels[c.params["channel_id"]]
	if !ok {
		return errorReply(404, 10003, "Unknown Channel")
	}
	if !ch.botSees() {
		return missingAccessReply()
	}
	if !ch.takesMessages() {
		return nonTextChannelReply()
	}
	var fe formErrors
	in := parseMessage(&fe, "", c.payload)
	m := &message{
		id:        s.ids.next(),
		channelID: ch.id,
		guildID:   ch.guildID,
		author:    s.botUser,
		createdAt: c.now,
	}
	if ref := in.reference; ref != nil {
		target, ok := s.messages[ref.MessageID]
		sameChannel := ref.ChannelID == "" || ref.ChannelID == ch.id
		switch {
		case ok && !target.deleted && target.channelID == ch.id && sameChannel:
			m.referenceID = target.id
			m.typ = 19
		case ref.FailIfNotExists == nil || *ref.FailIfNotExists:
			fe.add("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
		}
	}
	if len(fe) > 0 {
		return formReply(fe)
	}
	if in.enforceNonce && in.nonce != "" {
		if old := s.messageByNonceLocked(ch.id, in.nonce, c.now); old != nil {
			return jsonReply(200, json.RawMessage(s.renderMessageLocked(old, true)))
		}
	}
	m.nonce = in.nonce
	m.apply(in, c.files, s.ids.next)
	m.flags &^= flagEphemeral | flagLoading
	if m.empty() {
		return emptyMessageReply()
	}
	s.computeMentionsLocked(m, in.allowedMentions)
	s.storeMessageLocked(m)
	s.echoLocked(c, "MESSAGE_CREATE", m)
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

// nonceWindow is how long Discord remembers a nonce sent with
// enforce_nonce ("the past few minutes").
const nonceWindow = 5 * time.Minute

// messageByNonceLocked returns the bot's message in a channel created with
// nonce within nonceWindow, or nil: with enforce_nonce, Discord returns it
// instead of creating another.
func (s *Server) messageByNonceLocked(channelID, nonce string, now time.Time) *message {
	for i := len(s.messageOrder) - 1; i >= 0; i-- {
		m := s.messages[s.messageOrder[i]]
		if now.Sub(m.createdAt) > nonceWindow {
			break
		}
		if m.channelID == channelID && m.author.ID == s.botUser.ID && m.nonce == nonce && !m.deleted {
			return m
		}
	}
	return nil
}

// echoLocked queues the gateway event Discord sends for a change to one of
// the bot's messages (never for ephemeral ones).
func (s *Server) echoLocked(c *call, event string, m *message) {
	if s.opts.NoEcho || m.flags&flagEphemeral != 0 {
		return
	}
	c.events = append(c.events, s.messageEventLocked(event, m))
}

// editLocked applies an edit body to a copy of m and, if valid, stores it.
func (s *Server) editLocked(c *call, m *message, prefix string, raw json.RawMessage) (*message, *reply) {
	var fe formErrors
	in := parseMessage(&fe, prefix, raw)
	if len(fe) > 0 {
		r := formReply(fe)
		return nil, &r
	}
	edited := *m
	edited.embeds = append([]json.RawMessage(nil), m.embeds...)
	edited.attachments = append([]json.RawMessage(nil), m.attachments...)
	edited.apply(in, c.files, s.ids.next)
	if edited.empty() {
		r := emptyMessageReply()
		return nil, &r
	}
	wasLoading := edited.flags&flagLoading != 0
	edited.flags &^= flagLoading
	if !wasLoading {
		t := c.now
		edited.editedAt = &t
	}
	if in.contentSet || in.allowedMentions != nil {
		s.computeMentionsLocked(&edited, in.allowedMentions)
	}
	*m = edited
	s.notifyLocked()
	return m, nil
}

func (s *Server) editMessage(c *call) reply {
	m, r := s.channelMessageLocked(c)
	if r != nil {
		return *r
	}
	if m.author.ID != s.botUser.ID {
		return errorReply(403, 50005, "Cannot edit a message authored by another user")
	}
	m, r = s.editLocked(c, m, "", c.payload)
	if r != nil {
		return *r
	}
	s.echoLocked(c, "MESSAGE_UPDATE", m)
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

func (s *Server) deleteMessage(c *call) reply {
	m, r := s.channelMessageLocked(c)
	if r != nil {
		return *r
	}
	m.deleted = true
	s.echoLocked(c, "MESSAGE_DELETE", m)
	return reply{status: 204}
}

// Interaction responses.

// allowedResponses lists the callback types an interaction type accepts.
func allowedResponses(t discordgo.InteractionType) []int {
	switch t {
	case discordgo.InteractionApplicationCommand:
		return []int{4, 5, 9}
	case discordgo.InteractionMessageComponent:
		return []int{4, 5, 6, 7, 9}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return []int{8}
	case discordgo.InteractionModalSubmit:
		return []int{4, 5, 6, 7}
	}
	return nil
}

func (s *Server) interactionCallback(c *call) reply {
	in, ok := s.interactions[c.params["interaction_id"]]
	if !ok || in.token != c.params["interaction_token"] {
		return errorReply(404, 10062, "Unknown interaction")
	}
	return s.respondLocked(c, in)
}

// respondLocked validates and applies an initial response to in, whether
// it came to the callback route or as the interactions endpoint's HTTP
// response, and returns the callback route's answer.
func (s *Server) respondLocked(c *call, in *interaction) reply {
	if in.responded {
		return errorReply(400, 40060, "Interaction has already been acknowledged.")
	}
	if d := s.deadlineLocked(in); d > 0 && c.now.Sub(in.dispatchedAt) > d {
		return errorReply(404, 10062, "Unknown interaction")
	}
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	var fe formErrors
	if !fe.decode("", c.payload, &body) {
		return formReply(fe)
	}
	switch body.Type {
	case 1, 4, 5, 6, 7, 8, 9:
	default:
		fe.add("type", "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.")
		return formReply(fe)
	}
	allowed := allowedResponses(in.typ)
	if !containsInt(allowed, body.Type) {
		fe.add("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type %d is not valid for interaction type %d", body.Type, in.typ)
		return formReply(fe)
	}
	resp := &InteractionResponse{Type: discordgoResponseType(body.Type), Time: c.now, Raw: append(json.RawMessage(nil), c.payload...)}
	var flags struct {
		Flags int64 `json:"flags"`
	}
	if len(body.Data) > 0 && !isNull(body.Data) {
		_ = json.Unmarshal(body.Data, &flags)
	}
	resp.Flags = messageFlags(flags.Flags)

	switch body.Type {
	case 4, 5:
		msgIn := parseMessage(&fe, "data", body.Data)
		if len(fe) > 0 {
			return formReply(fe)
		}
		m := s.interactionMessageLocked(in, c.now)
		m.flags = flags.Flags & flagEphemeral
		if body.Type == 5 {
			m.flags |= flagLoading
		} else {
			m.apply(msgIn, c.files, s.ids.next)
			if m.empty() {
				return emptyMessageReply()
			}
			s.computeMentionsLocked(m, msgIn.allowedMentions)
		}
		s.storeMessageLocked(m)
		in.originalID = m.id
		s.echoLocked(c, "MESSAGE_CREATE", m)
	case 6:
		in.originalID = in.sourceID
	case 7:
		src, ok := s.messages[in.sourceID]
		if !ok || src.deleted {
			return errorReply(404, 10008, "Unknown Message")
		}
		m, r := s.editLocked(c, src, "data", body.Data)
		if r != nil {
			return *r
		}
		in.originalID = m.id
		s.echoLocked(c, "MESSAGE_UPDATE", m)
	case 8:
		choices := validateChoices(&fe, body.Data)
		if len(fe) > 0 {
			return formReply(fe)
		}
		for _, ch := range choices {
			resp.Choices = append(resp.Choices, choiceToDiscordgo(ch))
		}
	case 9:
		resp.ModalCustomID, resp.ModalTitle = validateModal(&fe, body.Data)
		if len(fe) > 0 {
			return formReply(fe)
		}
	}
	in.responded = true
	in.response = resp
	s.notifyLocked()
	if c.query.Get("with_response") == "true" {
		res := map[string]any{"type": body.Type}
		if m, ok := s.messages[in.originalID]; ok && body.Type != 6 {
			res["message"] = json.RawMessage(s.renderMessageLocked(m, true))
		}
		return jsonReply(200, map[string]any{
			"interaction": map[string]any{"id": in.id, "type": int(in.typ), "response_message_loading": body.Type == 5, "response_message_ephemeral": flags.Flags&flagEphemeral != 0},
			"resource":    res,
		})
	}
	return reply{status: 204}
}

func discordgoResponseType(t int) discordgo.InteractionResponseType {
	return discordgo.InteractionResponseType(t)
}

func messageFlags(f int64) discordgo.MessageFlags { return discordgo.MessageFlags(f) }

func choiceToDiscordgo(c choiceInput) *discordgo.ApplicationCommandOptionChoice {
	return &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// interactionMessageLocked starts a message sent through in's token.
func (s *Server) interactionMessageLocked(in *interaction, now time.Time) *message {
	m := &message{
		id:               s.ids.next(),
		channelID:        in.channelID,
		guildID:          in.guildID,
		author:           s.botUser,
		createdAt:        now,
		webhookID:        s.opts.ApplicationID,
		interactionID:    in.id,
		interactionType:  int(in.typ),
		interactionName:  in.commandName,
		interactionUser:  in.user,
		interactionGuild: in.guildID,
	}
	if in.typ == 2 {
		m.typ = 20 // CHAT_INPUT_COMMAND
	}
	return m
}

// webhookInteractionLocked finds the interaction of a webhook route; an
// unknown token is an unknown webhook, as on Discord.
func (s *Server) webhookInteractionLocked(c *call) (*interaction, *reply) {
	in, ok := s.byToken[c.params["interaction_token"]]
	if !ok || c.params["application_id"] != s.opts.ApplicationID {
		return nil, errorReplyPtr(404, 10015, "Unknown Webhook")
	}
	return in, nil
}

// webhookMessageLocked resolves {message_id} (or @original) of a webhook route.
func (s *Server) webhookMessageLocked(c *call) (*interaction, *message, *reply) {
	in, r := s.webhookInteractionLocked(c)
	if r != nil {
		return nil, nil, r
	}
	id, ok := c.params["message_id"]
	if !ok { // @original
		if !in.responded {
			return nil, nil, errorReplyPtr(404, 10015, "Unknown Webhook")
		}
		id = in.originalID
	} else if id != in.originalID && !containsString(in.followupIDs, id) {
		return nil, nil, errorReplyPtr(404, 10008, "Unknown Message")
	}
	m, ok := s.messages[id]
	if !ok || m.deleted {
		return nil, nil, errorReplyPtr(404, 10008, "Unknown Message")
	}
	return in, m, nil
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) getWebhookMessage(c *call) reply {
	_, m, r := s.webhookMessageLocked(c)
	if r != nil {
		return *r
	}
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

func (s *Server) editWebhookMessage(c *call) reply {
	in, m, r := s.webhookMessageLocked(c)
	if r != nil {
		return *r
	}
	m, r = s.editLocked(c, m, "", c.payload)
	if r != nil {
		return *r
	}
	if m.id == in.originalID {
		in.edits++
	}
	s.echoLocked(c, "MESSAGE_UPDATE", m)
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

func (s *Server) deleteWebhookMessage(c *call) reply {
	_, m, r := s.webhookMessageLocked(c)
	if r != nil {
		return *r
	}
	m.deleted = true
	s.notifyLocked()
	s.echoLocked(c, "MESSAGE_DELETE", m)
	return reply{status: 204}
}

// createFollowup handles POST /webhooks/{app}/{token}. For interaction
// tokens Discord always returns the message, whatever ?wait says.
func (s *Server) createFollowup(c *call) reply {
	in, r := s.webhookInteractionLocked(c)
	if r != nil {
		return *r
	}
	if !in.responded {
		return errorReply(404, 10015, "Unknown Webhook")
	}
	var fe formErrors
	msgIn := parseMessage(&fe, "", c.payload)
	if len(fe) > 0 {
		return formReply(fe)
	}
	m := s.interactionMessageLocked(in, c.now)
	m.apply(msgIn, c.files, s.ids.next)
	if msgIn.flagsSet {
		m.flags |= msgIn.flags & flagEphemeral
	}
	if m.empty() {
		return emptyMessageReply()
	}
	s.computeMentionsLocked(m, msgIn.allowedMentions)
	s.storeMessageLocked(m)
	in.followupIDs = append(in.followupIDs, m.id)
	s.notifyLocked()
	s.echoLocked(c, "MESSAGE_CREATE", m)
	return jsonReply(200, json.RawMessage(s.renderMessageLocked(m, true)))
}

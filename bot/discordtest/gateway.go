package discordtest

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway close codes, as documented by Discord.
const (
	closeUnknownOpcode        = 4001
	closeDecodeError          = 4002
	closeNotAuthenticated     = 4003
	closeAuthenticationFailed = 4004
	closeAlreadyAuthenticated = 4005
	closeRateLimited          = 4008
	closeInvalidShard         = 4010
	closeShardingRequired     = 4011
	closeInvalidAPIVersion    = 4012
	closeInvalidIntents       = 4013
	closeDisallowedIntents    = 4014
)

const (
	gatewayWriteTimeout = 5 * time.Second
	closeGracePeriod    = time.Second
	maxSessionLog       = 1000
)

// gwConn is one gateway websocket connection.
type gwConn struct {
	s  *Server
	ws *websocket.Conn

	writeMu sync.Mutex
	zlib    bool // guarded by writeMu

	closing atomic.Bool
	sess    *session // guarded by Server.mu

	commands []time.Time // arrival of recent non-heartbeat payloads; read loop only
}

// overCommandLimit records a client payload at now and reports whether the
// connection has sent more than Discord's 120 commands in 60 seconds.
func (c *gwConn) overCommandLimit(now time.Time) bool {
	cut := 0
	for cut < len(c.commands) && now.Sub(c.commands[cut]) >= gatewayCommandWindow {
		cut++
	}
	c.commands = append(c.commands[cut:], now)
	return len(c.commands) > gatewayCommandLimit
}

// session is a gateway session: it outlives connections and can be resumed.
type session struct {
	id      string
	intents discordgo.Intent
	shard   *[2]int

	mu     sync.Mutex // serializes sequence numbers, the log and writes
	seq    int64
	log    []loggedEvent
	events []string // names of the dispatches sequenced, the last maxSessionLog
	conn   *gwConn
	dead   bool
}

type loggedEvent struct {
	seq     int64
	payload []byte
}

type gatewayPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func (c *gwConn) write(payload []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(gatewayWriteTimeout)); err != nil {
		return err
	}
	if !c.zlib {
		return c.ws.WriteMessage(websocket.TextMessage, payload)
	}
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(payload); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, buf.Bytes())
}

func (c *gwConn) writeOp(op int, d any) error {
	b, err := json.Marshal(map[string]any{"op": op, "d": d, "s": nil, "t": nil})
	if err != nil {
		return err
	}
	return c.write(b)
}

// closeWith sends a close frame and lets the reader loop drain until the
// client closes the socket (or a grace period passes), so the client reads
// the code instead of a reset.
func (c *gwConn) closeWith(code int, reason string) {
	if c.closing.Swap(true) {
		return
	}
	c.s.mu.Lock()
	c.s.stats.CloseCodes = append(c.s.stats.CloseCodes, code)
	c.s.notifyLocked()
	c.s.mu.Unlock()
	c.s.logf("gateway: closing connection with %d %s", code, reason)
	msg := websocket.FormatCloseMessage(code, reason)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(gatewayWriteTimeout))
	_ = c.ws.SetReadDeadline(time.Now().Add(closeGracePeriod))
}

// drop closes the TCP connection without a close frame.
func (c *gwConn) drop() {
	c.closing.Store(true)
	_ = c.ws.Close()
}

// send assigns the next sequence number to a dispatch, logs it for RESUME and
// writes it if the session has a connection. It reports whether it was written.
func (sess *session) send(s *Server, event string, data []byte) bool {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.sendLocked(s, event, data)
}

// sendLocked is send with sess.mu held.
func (sess *session) sendLocked(s *Server, event string, data []byte) bool {
	if sess.dead {
		return false
	}
	sess.seq++
	payload, _ := json.Marshal(map[string]any{"op": 0, "t": event, "s": sess.seq, "d": json.RawMessage(data)})
	sess.log = append(sess.log, loggedEvent{seq: sess.seq, payload: payload})
	if len(sess.log) > maxSessionLog {
		sess.log = sess.log[len(sess.log)-maxSessionLog:]
	}
	sess.events = append(sess.events, event)
	if len(sess.events) > maxSessionLog {
		sess.events = sess.events[len(sess.events)-maxSessionLog:]
	}
	return sess.writeLocked(s, event, payload)
}

// kill stops the session from taking events; s.mu must not be held.
func (sess *session) kill() {
	sess.mu.Lock()
	sess.dead = true
	sess.conn = nil
	sess.log = nil
	sess.mu.Unlock()
}

func (sess *session) writeLocked(s *Server, event string, payload []byte) bool {
	if sess.conn == nil {
		s.logf("gateway: %s queued for disconnected session %s", event, sess.id)
		return false
	}
	if err := sess.conn.write(payload); err != nil {
		s.logf("gateway: write %s: %v", event, err)
		return false
	}
	s.mu.Lock()
	s.stats.Dispatches++
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("gateway: sent %s to session %s", event, sess.id)
	return true
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	c := &gwConn{s: s, ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.wg.Add(1)
	s.conns[c] = struct{}{}
	s.stats.Connections++
	s.stats.OpenConnections++
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("gateway: connection from %s (%s)", r.RemoteAddr, r.URL.RawQuery)

	defer func() {
		_ = ws.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.stats.OpenConnections--
		sess := c.sess
		s.notifyLocked()
		s.mu.Unlock()
		if sess != nil {
			sess.mu.Lock()
			if sess.conn == c {
				sess.conn = nil
			}
			sess.mu.Unlock()
		}
		s.wg.Done()
	}()

	ws.SetReadLimit(1 << 20)
	q := r.URL.Query()
	if v := q.Get("v"); v != "" && v != "9" && v != "10" {
		c.closeWith(closeInvalidAPIVersion, "Invalid API version.")
	} else if enc := q.Get("encoding"); enc != "" && enc != "json" {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
	} else {
		hello := map[string]any{
			"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds(),
			"_trace":             []string{`["discordtest-gateway",{"micros":0}]`},
		}
		if err := c.writeOp(10, hello); err != nil {
			return
		}
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if c.closing.Load() {
			continue
		}
		var p gatewayPayload
		if err := json.Unmarshal(data, &p); err != nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			continue
		}
		if p.Op != 1 && c.overCommandLimit(time.Now()) {
			c.closeWith(closeRateLimited, "You are being rate limited.")
			continue
		}
		s.handleOp(c, p)
	}
}

func (s *Server) handleOp(c *gwConn, p gatewayPayload) {
	s.mu.Lock()
	identified := c.sess != nil
	s.mu.Unlock()
	switch p.Op {
	case 1:
		s.mu.Lock()
		s.stats.Heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
		_ = c.writeOp(11, nil)
	case 2:
		s.handleIdentify(c, p.D)
	case 6:
		s.handleResume(c, p.D)
	case 3, 4, 8:
		// Presence update, voice state update and request guild members
		// are accepted and ignored.
		if !identified {
			c.closeWith(closeNotAuthenticated, "Not authenticated.")
		}
	default:
		c.closeWith(closeUnknownOpcode, "Unknown opcode.")
	}
}

func (s *Server) checkToken(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == s.token
}

func (s *Server) handleIdentify(c *gwConn, d json.RawMessage) {
	var id struct {
		Token          string            `json:"token"`
		Intents        *int64            `json:"intents"`
		Compress       bool              `json:"compress"`
		LargeThreshold int               `json:"large_threshold"`
		Shard          *[2]int           `json:"shard"`
		Properties     map[string]string `json:"properties"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return
	}
	rec := Identify{
		Time:           time.Now(),
		Compress:       id.Compress,
		LargeThreshold: id.LargeThreshold,
		Shard:          id.Shard,
		NumShards:      1,
		Properties:     id.Properties,
		Raw:            redactToken(d),
	}
	if id.Shard != nil {
		rec.ShardID, rec.NumShards = id.Shard[0], id.Shard[1]
	}
	if id.Intents != nil {
		rec.Intents = discordgo.Intent(*id.Intents)
	}
	// The new session is locked before it becomes visible, so READY is
	// its first dispatch even if events are being sent concurrently.
	sess := &session{id: randomHex(16), intents: rec.Intents, shard: id.Shard, conn: c}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	code, reason := 0, ""
	s.mu.Lock()
	switch {
	case c.sess != nil:
		code, reason = closeAlreadyAuthenticated, "Already authenticated."
	case !s.checkToken(id.Token):
		code, reason = closeAuthenticationFailed, "Authentication failed."
	case id.Intents == nil || *id.Intents < 0 || discordgo.Intent(*id.Intents)&^knownIntents != 0:
		code, reason = closeInvalidIntents, "Invalid intent(s)."
	case rec.Intents&privilegedIntents&^s.opts.PrivilegedIntents != 0:
		code, reason = closeDisallowedIntents, "Disallowed intent(s)."
	default:
		code, reason = s.checkShardLocked(id.Shard)
	}
	rec.CloseCode = code
	if code == 0 {
		rec.RateLimitKey = rec.ShardID % s.opts.MaxConcurrency
		rec.RateLimited = s.identifyRateLimitedLocked(rec.RateLimitKey, rec.Time)
	}
	if code == 0 && !rec.RateLimited {
		rec.SessionID = sess.id
		s.sessionStarts++
		if s.firstStart.IsZero() {
			s.firstStart = rec.Time
		}
	}
	s.identifies = append(s.identifies, rec)
	if rec.RateLimited {
		s.stats.RateLimitedIdentifies++
	}
	s.notifyLocked()
	if code != 0 {
		s.mu.Unlock()
		c.closeWith(code, reason)
		return
	}
	if rec.RateLimited {
		// Discord answers an IDENTIFY over the concurrency limit with
		// INVALID_SESSION, not resumable; the client should wait and
		// IDENTIFY again on the same connection.
		s.mu.Unlock()
		s.logf("gateway: IDENTIFY of shard %d rate limited (key %d), sending INVALID_SESSION", rec.ShardID, rec.RateLimitKey)
		_ = c.writeOp(9, false)
		return
	}
	// A new IDENTIFY replaces disconnected sessions of the same shard, so
	// events are not queued for sessions nobody will resume.
	var replaced []*session
	for sid, old := range s.sessions {
		if sameShard(old.shard, sess.shard) && !s.sessionConnectedLocked(old) {
			replaced = append(replaced, old)
			delete(s.sessions, sid)
		}
	}
	s.sessions[sess.id] = sess
	c.sess = sess
	ready := s.readyLocked(sess)
	var guildCreates [][]byte
	if sess.intents&discordgo.IntentGuilds != 0 {
		for _, g := range s.shardGuildsLocked(sess) {
			guildCreates = append(guildCreates, s.guildCreateLocked(g))
		}
	}
	s.mu.Unlock()
	for _, old := range replaced {
		old.kill()
	}

	c.writeMu.Lock()
	c.zlib = s.opts.ZlibPayloads && id.Compress
	c.writeMu.Unlock()
	s.logf("gateway: IDENTIFY accepted, session %s, intents %d", sess.id, sess.intents)
	sess.sendLocked(s, "READY", ready)
	s.mu.Lock()
	s.stats.Identifies++
	s.notifyLocked()
	s.mu.Unlock()
	for _, gc := range guildCreates {
		sess.sendLocked(s, "GUILD_CREATE", gc)
	}
}

// sessionConnectedLocked reports whether sess has an open connection; s.mu held.
func (s *Server) sessionConnectedLocked(sess *session) bool {
	for c := range s.conns {
		if c.sess == sess {
			return true
		}
	}
	return false
}

func sameShard(a, b *[2]int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (s *Server) handleResume(c *gwConn, d json.RawMessage) {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &rs); err != nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return
	}
	s.mu.Lock()
	if c.sess != nil {
		s.mu.Unlock()
		c.closeWith(closeAlreadyAuthenticated, "Already authenticated.")
		return
	}
	if !s.checkToken(rs.Token) {
		s.mu.Unlock()
		c.closeWith(closeAuthenticationFailed, "Authentication failed.")
		return
	}
	sess, ok := s.sessions[rs.SessionID]
	var previous *gwConn
	if ok {
		for other := range s.conns {
			if other.sess == sess {
				previous = other
				other.sess = nil
			}
		}
		c.sess = sess
	} else {
		s.stats.FailedResumes++
		s.notifyLocked()
	}
	s.mu.Unlock()
	if !ok {
		s.logf("gateway: RESUME of unknown session %q, sending INVALID_SESSION", rs.SessionID)
		_ = c.writeOp(9, false)
		return
	}
	if previous != nil {
		previous.drop()
	}

	sess.mu.Lock()
	sess.conn = c
	replayed := 0
	for _, ev := range sess.log {
		if ev.seq > rs.Seq {
			sess.writeLocked(s, "replay", ev.payload)
			replayed++
		}
	}
	sess.mu.Unlock()
	s.logf("gateway: RESUME of session %s from seq %d, replayed %d", sess.id, rs.Seq, replayed)
	sess.send(s, "RESUMED", []byte(`{"_trace":["[\"discordtest-gateway\",{\"micros\":0}]"]}`))
	s.mu.Lock()
	s.stats.Resumes++
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) readyLocked(sess *session) []byte {
	guilds := make([]map[string]any, 0, len(s.guildSeq))
	for _, g := range s.shardGuildsLocked(sess) {
		guilds = append(guilds, map[string]any{"id": g.id, "unavailable": true})
	}
	user := userWire(s.botUser)
	user["verified"] = true
	user["mfa_enabled"] = false
	user["flags"] = 0
	user["email"] = nil
	d := map[string]any{
		"v":                   9,
		"user":                user,
		"guilds":              guilds,
		"session_id":          sess.id,
		"resume_gateway_url":  s.GatewayURL(),
		"session_type":        "normal",
		"application":         map[string]any{"id": s.opts.ApplicationID, "flags": s.applicationFlags()},
		"private_channels":    []any{},
		"relationships":       []any{},
		"presences":           []any{},
		"guild_join_requests": []any{},
		"user_settings":       map[string]any{},
		"_trace":              []string{`["discordtest-gateway",{"micros":0}]`},
	}
	if sess.shard != nil {
		d["shard"] = sess.shard
	}
	b, _ := json.Marshal(d)
	return b
}

// applicationFlags reports the privileged intents enabled for the
// application, using the flags of an unverified bot.
func (s *Server) applicationFlags() int {
	flags := 0
	if s.opts.PrivilegedIntents&discordgo.IntentGuildPresences != 0 {
		flags |= 1 << 13 // GATEWAY_PRESENCE_LIMITED
	}
	if s.opts.PrivilegedIntents&discordgo.IntentGuildMembers != 0 {
		flags |= 1 << 15 // GATEWAY_GUILD_MEMBERS_LIMITED
	}
	if s.opts.PrivilegedIntents&discordgo.IntentMessageContent != 0 {
		flags |= 1 << 19 // GATEWAY_MESSAGE_CONTENT_LIMITED
	}
	return flags
}

func (s *Server) guildCreateLocked(g *guildState) []byte {
	channels := make([]map[string]any, 0, len(g.channels))
	for i, cid := range g.channels {
		channels = append(channels, s.channelWireLocked(s.channels[cid], i))
	}
	threads := make([]map[string]any, 0, len(g.threads))
	for _, tid := range g.threads {
		if t := s.channels[tid]; t.botSees() {
			threads = append(threads, s.channelWireLocked(t, 0))
		}
	}
	bot := s.botUser
	systemChannel := any(nil)
	for _, cid := range g.channels {
		if s.channels[cid].takesMessages() {
			systemChannel = cid
			break
		}
	}
	d := map[string]any{
		"id":                            g.id,
		"name":                          g.name,
		"icon":                          nil,
		"owner_id":                      DefaultUserID,
		"unavailable":                   false,
		"large":                         false,
		"member_count":                  2,
		"joined_at":                     timestamp(memberJoinedAt()),
		"channels":                      channels,
		"members":                       []any{memberWire(&bot, "")},
		"roles":                         []any{map[string]any{"id": g.id, "name": "@everyone", "permissions": "1071698660929", "position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0}},
		"threads":                       threads,
		"voice_states":                  []any{},
		"presences":                     []any{},
		"emojis":                        []any{},
		"stickers":                      []any{},
		"features":                      []any{},
		"guild_scheduled_events":        []any{},
		"stage_instances":               []any{},
		"preferred_locale":              "en-US",
		"system_channel_id":             systemChannel,
		"afk_timeout":                   300,
		"verification_level":            0,
		"default_message_notifications": 0,
		"explicit_content_filter":       0,
		"mfa_level":                     0,
		"nsfw_level":                    0,
		"premium_tier":                  0,
		"max_members":                   500000,
	}
	b, _ := json.Marshal(d)
	return b
}

func (s *Server) channelWireLocked(c *channelState, position int) map[string]any {
	if c.dm {
		return map[string]any{
			"id":              c.id,
			"type":            1,
			"last_message_id": nil,
			"flags":           0,
			"recipients":      []any{userWire(c.recipient)},
		}
	}
	if c.isThread() {
		return s.threadWireLocked(c)
	}
	w := map[string]any{
		"id":                    c.id,
		"type":                  int(c.typ),
		"guild_id":              c.guildID,
		"name":                  c.name,
		"position":              position,
		"permission_overwrites": []any{},
		"nsfw":                  false,
		"parent_id":             nil,
		"topic":                 nil,
		"last_message_id":       nil,
		"rate_limit_per_user":   0,
		"flags":                 0,
	}
	if c.typ == discordgo.ChannelTypeGuildForum {
		w["available_tags"] = []any{}
		w["default_reaction_emoji"] = nil
		w["default_sort_order"] = nil
		w["default_forum_layout"] = 0
		w["default_thread_rate_limit_per_user"] = 0
		w["default_auto_archive_duration"] = 4320
	}
	return w
}

func redactToken(d json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(d, &m) != nil {
		return d
	}
	if _, ok := m["token"]; ok {
		m["token"] = json.RawMessage(`"[redacted]"`)
	}
	b, _ := json.Marshal(m)
	return b
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// liveSessions returns the sessions that can still receive events.
func (s *Server) liveSessions() []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		out = append(out, sess)
	}
	return out
}

func (s *Server) openConns() []*gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// DropConnections closes every gateway connection at the TCP level, without
// a close frame, as when the network fails. Sessions stay resumable. It
// returns the number of connections dropped.
func (s *Server) DropConnections() int {
	conns := s.openConns()
	for _, c := range conns {
		c.drop()
	}
	s.logf("gateway: dropped %d connections", len(conns))
	return len(conns)
}

// RequestReconnect sends op 7 RECONNECT on every connection; clients are
// expected to close and RESUME. It returns the number of connections.
func (s *Server) RequestReconnect() int {
	conns := s.openConns()
	for _, c := range conns {
		_ = c.writeOp(7, nil)
	}
	return len(conns)
}

// InvalidateSessions sends op 9 INVALID_SESSION with d = resumable on every
// identified connection and detaches the session, so the client may IDENTIFY
// again on the same connection (discordgo does). When resumable is false the
// sessions are discarded. It returns the number of sessions invalidated.
func (s *Server) InvalidateSessions(resumable bool) int {
	type target struct {
		c    *gwConn
		sess *session
	}
	s.mu.Lock()
	var targets []target
	for c := range s.conns {
		if c.sess == nil {
			continue
		}
		if !resumable {
			delete(s.sessions, c.sess.id)
		}
		targets = append(targets, target{c, c.sess})
		c.sess = nil
	}
	s.mu.Unlock()
	for _, t := range targets {
		if !resumable {
			t.sess.kill()
		} else {
			t.sess.mu.Lock()
			if t.sess.conn == t.c {
				t.sess.conn = nil
			}
			t.sess.mu.Unlock()
		}
		_ = t.c.writeOp(9, resumable)
	}
	return len(targets)
}

// CloseConnections sends a close frame with code and reason on every
// connection, then closes it. Codes 4000-4003, 4005, 4007-4009 are resumable
// on Discord; the server keeps sessions either way. It returns the number of
// connections closed.
func (s *Server) CloseConnections(code int, reason string) int {
	conns := s.openConns()
	for _, c := range conns {
		c.closeWith(code, reason)
	}
	return len(conns)
}

// Dispatch sends an arbitrary dispatch event (op 0) with the given data,
// marshalled to JSON, to every session. It returns ErrNoSession if there is
// none.
func (s *Server) Dispatch(event string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	sessions := s.liveSessions()
	if len(sessions) == 0 {
		return ErrNoSession
	}
	for _, sess := range sessions {
		sess.send(s, event, b)
	}
	return nil
}

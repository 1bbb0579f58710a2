package bot

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// discordgo panics, in the goroutine that reads the gateway and so ending
// the process, on some payloads Discord should never send: a "null" frame,
// a HELLO without a positive heartbeat interval, a READY or GUILD_CREATE
// whose guilds or channels hold null, a VOICE_STATE_UPDATE without data,
// and, with state tracking on, most state events without data. No recover
// can reach that goroutine, so the bot reads the gateway through guardConn,
// which passes each message through sanitizeGateway before discordgo sees
// it.

// Dispatches the bot uses. Every other dispatch reaches discordgo as
// ignoredEvent, an event type it does not know, keeping its sequence
// number: the bot reads none of them, and discordgo only uses them for state
// tracking (off) and voice (unused).
var usedEvents = map[string]bool{
	"READY":              true,
	"RESUMED":            true,
	"MESSAGE_CREATE":     true,
	"INTERACTION_CREATE": true,
}

// ignoredEvent replaces the type of dispatches the bot does not use.
const ignoredEvent = "LECTERN_IGNORED"

// defaultHeartbeat replaces a HELLO's heartbeat interval that discordgo
// cannot use: Discord's usual 41.25 s.
const defaultHeartbeat = 41250

// maxGatewayMessage is the largest gateway message the bot accepts,
// inflated; a larger one closes the connection (discordgo reconnects).
const maxGatewayMessage = 64 << 20

var errGatewayMessageTooLarge = errors.New("gateway message too large")

// sanitizeGateway returns the message discordgo should see in place of
// msg, or nil to drop it, and, if msg is malformed, why (to log): "" for
// well-formed messages, even those it replaces by ignoredEvent.
func sanitizeGateway(msg []byte) ([]byte, string) {
	// Decode as discordgo does: the first JSON value, into *Event.
	var e *discordgo.Event
	if err := json.NewDecoder(bytes.NewReader(msg)).Decode(&e); err != nil {
		return msg, "" // discordgo logs the error and goes on
	}
	if e == nil {
		return nil, "payload is null"
	}
	switch e.Operation {
	case 10:
		var h struct {
			HeartbeatInterval int64 `json:"heartbeat_interval"`
		}
		if json.Unmarshal(e.RawData, &h) == nil && h.HeartbeatInterval >= 100 && h.HeartbeatInterval <= 600000 {
			return msg, ""
		}
		return marshalEvent(10, 0, "", []byte(fmt.Sprintf(`{"heartbeat_interval":%d}`, defaultHeartbeat))), "HELLO without a usable heartbeat_interval"
	case 0:
	default:
		return msg, ""
	}
	if !usedEvents[e.Type] {
		return marshalEvent(0, e.Sequence, ignoredEvent, nil), ""
	}
	d := bytes.TrimSpace(e.RawData)
	if len(d) == 0 || d[0] != '{' {
		return marshalEvent(0, e.Sequence, ignoredEvent, nil), e.Type + " without an object"
	}
	if e.Type != "READY" {
		return msg, ""
	}
	// discordgo walks READY's guilds and their channels, members and
	// voice states through pointers: if any is null, leave the guilds out
	// (the bot does not read them). Keys match case-insensitively, as
	// encoding/json matches them.
	var ready map[string]json.RawMessage
	if json.Unmarshal(d, &ready) != nil || !walksNull(ready, "guilds", func(g json.RawMessage) bool {
		var guild map[string]json.RawMessage
		if !isObject(g) || json.Unmarshal(g, &guild) != nil {
			return true
		}
		for _, k := range []string{"channels", "members", "voice_states"} {
			if walksNull(guild, k, func(x json.RawMessage) bool { return !isObject(x) }) {
				return true
			}
		}
		return false
	}) {
		return msg, ""
	}
	for k := range ready {
		if strings.EqualFold(k, "guilds") {
			delete(ready, k)
		}
	}
	ready["guilds"] = json.RawMessage("[]")
	nd, _ := json.Marshal(ready)
	return marshalEvent(0, e.Sequence, e.Type, nd), "READY with malformed guilds"
}

// walksNull reports whether obj has an array under key (in any case) with
// an element that bad reports: one that decodes as a nil pointer. Values
// that are not arrays fail to decode and leave the field empty.
func walksNull(obj map[string]json.RawMessage, key string, bad func(json.RawMessage) bool) bool {
	for k, v := range obj {
		if !strings.EqualFold(k, key) {
			continue
		}
		var list []json.RawMessage
		if json.Unmarshal(v, &list) != nil {
			continue
		}
		for _, x := range list {
			if bad(x) {
				return true
			}
		}
	}
	return false
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

func marshalEvent(op int, seq int64, typ string, d json.RawMessage) []byte {
	e := struct {
		Op int             `json:"op"`
		S  *int64          `json:"s"`
		T  *string         `json:"t"`
		D  json.RawMessage `json:"d"`
	}{Op: op, D: d}
	if op == 0 {
		e.S, e.T = &seq, &typ
	}
	if e.D == nil {
		e.D = json.RawMessage("null")
	}
	b, _ := json.Marshal(e)
	return b
}

// guardConn is a client connection to the gateway that rewrites the
// server's websocket messages with sanitizeGateway. It passes the HTTP
// upgrade response and control frames through, joins fragmented messages,
// inflates zlib-compressed binary messages (sending them on as text) and
// writes each message as one unmasked frame. Writes are untouched.
type guardConn struct {
	net.Conn
	br  *bufio.Reader
	log *slog.Logger
	// watch, if set, sees each whole message (inflated) before it is
	// sanitized, in the order Discord sent them.
	watch func(msg []byte)
	// invalidPause, if set, returns how long to hold back an op 9
	// INVALID_SESSION before discordgo sees it: discordgo answers one with
	// an immediate IDENTIFY, which Discord would refuse again while the
	// identify window is still open.
	invalidPause func() time.Duration
	// ended is closed when Discord sends a close frame or reading fails:
	// the connection is over. closing is closed when the client has sent
	// its close frame. done is closed by Close.
	ended       chan struct{}
	endedOnce   sync.Once
	closing     chan struct{}
	closingOnce sync.Once
	done        chan struct{}
	doneOnce    sync.Once
	// gone, if set, is called once when the connection is over: ended, or
	// closed.
	gone     func()
	goneOnce sync.Once

	out        bytes.Buffer // processed bytes for Read
	headerDone bool
	midLine    bool // the HTTP response line being read did not fit the buffer
	inMsg      bool
	msgOp      byte
	msg        []byte
	err        error
}

func newGuardConn(c net.Conn, br *bufio.Reader, log *slog.Logger) *guardConn {
	if br == nil {
		br = bufio.NewReader(c)
	}
	return &guardConn{Conn: c, br: br, log: log, ended: make(chan struct{}), closing: make(chan struct{}), done: make(chan struct{})}
}

// Close closes the connection, ending a pause before INVALID_SESSION.
func (g *guardConn) Close() error {
	g.doneOnce.Do(func() { close(g.done) })
	g.over()
	return g.Conn.Close()
}

// Write passes p on, noting a close frame: gorilla writes a client's close
// frame (FIN, opcode 8, masked, at most 125 bytes of payload) in one call.
func (g *guardConn) Write(p []byte) (int, error) {
	n, err := g.Conn.Write(p)
	if len(p) >= 6 && p[0] == 0x80|websocket.CloseMessage && p[1]&0x80 != 0 && len(p) == 6+int(p[1]&0x7f) && err == nil {
		g.closingOnce.Do(func() { close(g.closing) })
	}
	return n, err
}

func (g *guardConn) Read(p []byte) (int, error) {
	for g.out.Len() == 0 {
		if g.err != nil {
			return 0, g.err
		}
		if g.err = g.fill(); g.err != nil {
			g.end()
		}
	}
	return g.out.Read(p)
}

// end marks the connection over.
func (g *guardConn) end() {
	g.endedOnce.Do(func() { close(g.ended) })
	g.over()
}

// over calls gone, once.
func (g *guardConn) over() {
	if g.gone != nil {
		g.goneOnce.Do(g.gone)
	}
}

// fill reads a line of the HTTP response or a frame and appends what the
// client should read to g.out.
func (g *guardConn) fill() error {
	if !g.headerDone {
		line, err := g.br.ReadSlice('\n')
		g.out.Write(line)
		if err == bufio.ErrBufferFull {
			g.midLine = true
			return nil
		}
		if err != nil {
			return err
		}
		if !g.midLine && (string(line) == "\r\n" || string(line) == "\n") {
			g.headerDone = true
		}
		g.midLine = false
		return nil
	}
	var hdr [14]byte
	if _, err := io.ReadFull(g.br, hdr[:2]); err != nil {
		return err
	}
	n := 2
	fin, rsv, op := hdr[0]&0x80 != 0, hdr[0]&0x70, hdr[0]&0x0f
	masked := hdr[1]&0x80 != 0
	size := uint64(hdr[1] & 0x7f)
	switch size {
	case 126:
		if _, err := io.ReadFull(g.br, hdr[2:4]); err != nil {
			return err
		}
		size, n = uint64(binary.BigEndian.Uint16(hdr[2:4])), 4
	case 127:
		if _, err := io.ReadFull(g.br, hdr[2:10]); err != nil {
			return err
		}
		size, n = binary.BigEndian.Uint64(hdr[2:10]), 10
	}
	if masked {
		if _, err := io.ReadFull(g.br, hdr[n:n+4]); err != nil {
			return err
		}
		n += 4
	}
	if size > maxGatewayMessage || uint64(len(g.msg))+size > maxGatewayMessage {
		return errGatewayMessageTooLarge
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(g.br, payload); err != nil {
		return err
	}
	if op == websocket.CloseMessage {
		g.end()
	}
	if op > websocket.BinaryMessage || rsv != 0 || masked {
		// Control frames, and frames the client will reject anyway.
		g.out.Write(hdr[:n])
		g.out.Write(payload)
		return nil
	}
	switch {
	case op == 0 && !g.inMsg, op != 0 && g.inMsg:
		return errors.New("gateway: bad websocket fragmentation")
	case op != 0:
		g.inMsg, g.msgOp, g.msg = true, op, g.msg[:0]
	}
	g.msg = append(g.msg, payload...)
	if !fin {
		return nil
	}
	g.inMsg = false
	g.emit(g.msgOp, g.msg)
	return nil
}

// emit sanitizes a whole message and queues it as one frame.
func (g *guardConn) emit(op byte, msg []byte) {
	if op == websocket.BinaryMessage {
		inflated, err := inflate(msg)
		if err != nil {
			writeFrame(&g.out, op, msg) // discordgo fails on it too, and logs it
			return
		}
		op, msg = websocket.TextMessage, inflated
	}
	if g.watch != nil {
		g.watch(msg)
	}
	if g.invalidPause != nil && isInvalidSession(msg) {
		pause := g.invalidPause()
		g.log.Warn("Discord invalidated the session (an IDENTIFY over the max_concurrency limit, from this process or another with the same token, or a failed resume): identifying again after a pause",
			"pause", pause.Round(time.Millisecond).String())
		t := time.NewTimer(pause)
		defer t.Stop()
		select {
		case <-t.C:
		case <-g.done:
			return // closed: reading fails next
		}
	}
	clean, why := sanitizeGateway(msg)
	if why != "" {
		g.log.Warn("gateway: ignored a malformed payload from Discord", "reason", why, "bytes", len(msg))
	}
	if clean != nil {
		writeFrame(&g.out, op, clean)
	}
}

// isInvalidSession reports whether msg is an op 9 INVALID_SESSION (a
// short message).
func isInvalidSession(msg []byte) bool {
	if len(msg) > 256 {
		return false
	}
	var e struct {
		Op *int `json:"op"`
	}
	return json.Unmarshal(msg, &e) == nil && e.Op != nil && *e.Op == 9
}

func inflate(msg []byte) ([]byte, error) {
	z, err := zlib.NewReader(bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	defer z.Close()
	out, err := io.ReadAll(io.LimitReader(z, maxGatewayMessage+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxGatewayMessage {
		return nil, errGatewayMessageTooLarge
	}
	return out, nil
}

// writeFrame appends one final, unmasked websocket frame.
func writeFrame(w *bytes.Buffer, op byte, payload []byte) {
	w.WriteByte(0x80 | op)
	switch n := len(payload); {
	case n < 126:
		w.WriteByte(byte(n))
	case n <= 0xffff:
		w.WriteByte(126)
		_ = binary.Write(w, binary.BigEndian, uint16(n))
	default:
		w.WriteByte(127)
		_ = binary.Write(w, binary.BigEndian, uint64(n))
	}
	w.Write(payload)
}

// gatewayDialer returns the websocket dialer for a shard's gateway
// connection: it dials (through an HTTP proxy from the environment, if
// any, as discordgo's default dialer does), does TLS for wss URLs itself,
// and wraps the connection in a guardConn.
func (sh *shard) gatewayDialer() *websocket.Dialer {
	d := *websocket.DefaultDialer
	d.Proxy = nil // dialGateway does it, below the guard
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return sh.dialGateway(ctx, network, addr, false)
	}
	d.NetDialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return sh.dialGateway(ctx, network, addr, true)
	}
	return &d
}

func (sh *shard) dialGateway(ctx context.Context, network, addr string, useTLS bool) (net.Conn, error) {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	proxy, err := http.ProxyFromEnvironment(&http.Request{URL: &url.URL{Scheme: scheme, Host: addr}})
	if err != nil {
		return nil, fmt.Errorf("gateway proxy: %w", err)
	}
	var d net.Dialer
	var conn net.Conn
	var br *bufio.Reader
	if proxy != nil {
		conn, br, err = dialProxy(ctx, &d, proxy, addr)
	} else {
		conn, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if useTLS {
		host, _, _ := net.SplitHostPort(addr)
		if br != nil && br.Buffered() > 0 {
			conn = &bufferedConn{Conn: conn, r: br}
		}
		br = nil
		tc := tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	g := newGuardConn(conn, br, sh.log)
	g.watch = sh.threads.watch
	g.invalidPause = sh.invalidPause
	sh.watchLink(g)
	sh.dialMu.Lock()
	sh.dialed = g
	sh.dialMu.Unlock()
	return g, nil
}

// abortDial closes the gateway connection last dialed, making a
// connection attempt stuck on it fail.
func (d *dialTracker) abortDial() {
	d.dialMu.Lock()
	c := d.dialed
	d.dialMu.Unlock()
	if c != nil {
		c.Close()
	}
}

// dialProxy opens a tunnel to addr through an HTTP proxy with CONNECT.
func dialProxy(ctx context.Context, d *net.Dialer, proxy *url.URL, addr string) (net.Conn, *bufio.Reader, error) {
	if proxy.Scheme != "http" {
		return nil, nil, fmt.Errorf("gateway proxy: unsupported scheme %q (use an http:// proxy)", proxy.Scheme)
	}
	host := proxy.Host
	if proxy.Port() == "" {
		host = net.JoinHostPort(proxy.Hostname(), "80")
	}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)))
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("gateway proxy: %w", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("gateway proxy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, nil, fmt.Errorf("gateway proxy: CONNECT answered %s", resp.Status)
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, br, nil
}

// bufferedConn reads what a bufio.Reader holds before the connection.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// dialTracker is embedded in a shard to remember its gateway connection.
type dialTracker struct {
	dialMu sync.Mutex
	dialed *guardConn
}

// dialState returns channels closed once the gateway connection last
// dialed has sent its close frame, and once it has ended (both at once if
// none was dialed).
func (d *dialTracker) dialState() (closing, ended <-chan struct{}) {
	d.dialMu.Lock()
	defer d.dialMu.Unlock()
	if d.dialed == nil {
		ch := make(chan struct{})
		close(ch)
		return ch, ch
	}
	return d.dialed.closing, d.dialed.ended
}

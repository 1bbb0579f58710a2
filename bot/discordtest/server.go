package discordtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Default identities used when Options leaves a field empty. The IDs are
// well-formed snowflakes so that discordgo.SnowflakeTimestamp works on them.
const (
	DefaultToken         = "discordtest-token"
	DefaultApplicationID = "1100000000000000001"
	DefaultBotUsername   = "lectern"
	DefaultGuildID       = "1100000000000000100"
	DefaultChannelID     = "1100000000000000101"
	DefaultUserID        = "1100000000000000200"
	DefaultUsername      = "reader"
)

// DefaultHeartbeatInterval is the heartbeat interval sent in HELLO when
// Options.HeartbeatInterval is zero. Discord sends about 41.25s. discordgo
// sends its first heartbeat at once and reconnects after five intervals
// without an ACK, so 5s keeps heartbeats flowing in short tests while
// tolerating a loaded test machine.
const DefaultHeartbeatInterval = 5 * time.Second

// privilegedIntents are the intents a bot must enable in the developer portal.
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// knownIntents are all intent bits Discord accepts in IDENTIFY.
const knownIntents = discordgo.Intent(1<<17-1) | 1<<20 | 1<<21 | 1<<24 | 1<<25

// ErrClosed is returned by waits and dispatch helpers once the server is closed.
var ErrClosed = errors.New("discordtest: server closed")

// ErrNoSession is returned by dispatch helpers when no gateway session exists
// to deliver the event to (the bot never identified, or its session was invalidated).
var ErrNoSession = errors.New("discordtest: no gateway session")

// ErrUnknownChannel is returned by dispatch helpers given a channel the server
// does not know. Channels are known from Options.Guilds and DM channels.
var ErrUnknownChannel = errors.New("discordtest: unknown channel")

// ErrUnknownCommand is returned by SendCommand and SendAutocomplete when no
// command of that name is registered (Discord cannot invoke it either).
var ErrUnknownCommand = errors.New("discordtest: command not registered")

// ErrUnknownMessage is returned by ClickComponent when the message is unknown
// or has no enabled component with the given custom_id, and by SendMessage
// when ReplyTo names no message in the channel.
var ErrUnknownMessage = errors.New("discordtest: unknown message or component")

// User is a Discord user as the test server presents it.
type User struct {
	ID         string
	Username   string
	GlobalName string // display name; empty means none
	Bot        bool
}

// Channel is a guild text channel.
type Channel struct {
	ID   string
	Name string
}

// Guild is a guild the bot is a member of.
type Guild struct {
	ID       string
	Name     string
	Channels []Channel
}

// Options configures a Server. The zero value is usable: every empty field
// takes the matching Default* value.
type Options struct {
	// Token is the bot token, without the "Bot " prefix (a prefix is stripped).
	Token string
	// ApplicationID is the application's ID, used in READY, interactions and
	// the /applications/{id} and /webhooks/{id} routes.
	ApplicationID string
	// BotUserID is the bot user's ID; it defaults to ApplicationID, as for
	// bots created in the developer portal.
	BotUserID string
	// BotUsername is the bot user's name.
	BotUsername string
	// HeartbeatInterval is sent in HELLO; discordgo heartbeats at this rate
	// and reconnects after five intervals without an ACK.
	HeartbeatInterval time.Duration
	// PrivilegedIntents lists the privileged intents (GUILD_MEMBERS,
	// GUILD_PRESENCES, MESSAGE_CONTENT) enabled for the application. An
	// IDENTIFY asking for any other privileged intent is closed with 4014.
	PrivilegedIntents discordgo.Intent
	// Guilds the bot is in. They are listed as unavailable in READY and then
	// sent as GUILD_CREATE when the session has the GUILDS intent. Nil means
	// one guild, DefaultGuildID, with one channel, DefaultChannelID; a
	// non-nil empty slice means no guilds.
	Guilds []Guild
	// InteractionDeadline, if positive, is how long after dispatch an
	// interaction accepts its initial response; later callbacks get 404
	// "Unknown interaction" (10062). Discord's deadline is 3s
	// (discordgo.InteractionDeadline). Zero means no deadline, so slow test
	// machines cause no spurious failures; InteractionRecord keeps both
	// times for tests that check the delay themselves.
	InteractionDeadline time.Duration
	// ZlibPayloads makes the gateway send every payload after an IDENTIFY
	// with compress:true as a zlib-compressed binary frame, as Discord does.
	// By default all payloads are uncompressed text frames.
	ZlibPayloads bool
	// NoEcho stops the server from dispatching MESSAGE_CREATE, MESSAGE_UPDATE
	// and MESSAGE_DELETE for the bot's own messages. Discord sends them, so a
	// bot must ignore its own messages; leave this false to test that.
	NoEcho bool
	// Logf, if set, receives a line for every gateway and REST event
	// (t.Logf fits).
	Logf func(format string, args ...any)
}

// Server is an in-process Discord API and gateway for tests. It serves the
// REST API under /api/v9 (and /api/v10) and the gateway websocket at the root
// URL it reports from GET /gateway. All methods are safe for concurrent use.
type Server struct {
	opts     Options
	token    string
	botUser  User
	http     *httptest.Server
	upgrader websocket.Upgrader
	routes   []route
	ids      idGenerator

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every state change
	closed   bool
	conns    map[*gwConn]struct{}
	sessions map[string]*session

	stats      Stats
	identifies []Identify

	guilds   map[string]*guildState
	guildSeq []string
	channels map[string]*channelState
	dmByUser map[string]string
	users    map[string]User

	requests     []Request
	rateRules    []*rateRule
	rateEvents   []RateLimitEvent
	globalUntil  time.Time // a global rate limit is in force until then
	faults       []*faultRule
	messages     map[string]*message
	messageOrder []string
	interactions map[string]*interaction
	byToken      map[string]*interaction
	commands     map[string][]*storedCommand // key: guild ID, "" for global

	wg sync.WaitGroup
}

type guildState struct {
	id, name string
	channels []string
}

type channelState struct {
	id, name, guildID string
	dm                bool
	recipient         User
}

// NewServer starts a server configured by opts. If tb is not nil the server
// is closed by tb.Cleanup; otherwise the caller must call Close.
func NewServer(tb testing.TB, opts Options) *Server {
	if tb != nil {
		tb.Helper()
	}
	s := &Server{
		opts:         opts,
		token:        strings.TrimPrefix(opts.Token, "Bot "),
		changed:      make(chan struct{}),
		conns:        make(map[*gwConn]struct{}),
		sessions:     make(map[string]*session),
		guilds:       make(map[string]*guildState),
		channels:     make(map[string]*channelState),
		dmByUser:     make(map[string]string),
		users:        make(map[string]User),
		messages:     make(map[string]*message),
		interactions: make(map[string]*interaction),
		byToken:      make(map[string]*interaction),
		commands:     make(map[string][]*storedCommand),
	}
	if s.token == "" {
		s.token = DefaultToken
	}
	if s.opts.ApplicationID == "" {
		s.opts.ApplicationID = DefaultApplicationID
	}
	if s.opts.BotUserID == "" {
		s.opts.BotUserID = s.opts.ApplicationID
	}
	if s.opts.BotUsername == "" {
		s.opts.BotUsername = DefaultBotUsername
	}
	if s.opts.HeartbeatInterval <= 0 {
		s.opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if s.opts.Guilds == nil {
		s.opts.Guilds = []Guild{{
			ID:       DefaultGuildID,
			Name:     "Lectern Test Guild",
			Channels: []Channel{{ID: DefaultChannelID, Name: "general"}},
		}}
	}
	s.botUser = User{ID: s.opts.BotUserID, Username: s.opts.BotUsername, Bot: true}
	s.users[s.botUser.ID] = s.botUser
	for _, g := range s.opts.Guilds {
		gs := &guildState{id: g.ID, name: g.Name}
		for _, c := range g.Channels {
			gs.channels = append(gs.channels, c.ID)
			s.channels[c.ID] = &channelState{id: c.ID, name: c.Name, guildID: g.ID}
		}
		s.guilds[g.ID] = gs
		s.guildSeq = append(s.guildSeq, g.ID)
	}
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.routes = s.buildRoutes()
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close drops every gateway connection and shuts the server down. Waits in
// progress return ErrClosed. Close is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
	s.http.Close()
	s.wg.Wait()
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.http.URL }

// APIURL returns the REST API base URL, URL() + "/api/v9", which replaces
// "https://discord.com/api/v9".
func (s *Server) APIURL() string { return s.http.URL + "/api/v9" }

// GatewayURL returns the websocket URL reported by GET /gateway and as
// resume_gateway_url in READY, such as "ws://127.0.0.1:41234".
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") }

// Token returns the bot token the server accepts, without the "Bot " prefix.
func (s *Server) Token() string { return s.token }

// ApplicationID returns the application ID.
func (s *Server) ApplicationID() string { return s.opts.ApplicationID }

// BotUser returns the bot's user.
func (s *Server) BotUser() User { return s.botUser }

// DMChannelID returns the ID of the DM channel between the bot and userID,
// creating it if needed (as POST /users/@me/channels does).
func (s *Server) DMChannelID(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		u = User{ID: userID, Username: "user" + userID}
	}
	return s.dmChannelLocked(u).id
}

func (s *Server) dmChannelLocked(u User) *channelState {
	if id, ok := s.dmByUser[u.ID]; ok {
		return s.channels[id]
	}
	if _, ok := s.users[u.ID]; !ok {
		s.users[u.ID] = u
	}
	c := &channelState{id: s.ids.next(), dm: true, recipient: u}
	s.channels[c.id] = c
	s.dmByUser[u.ID] = c.id
	return c
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("discordtest: "+format, args...)
	}
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitUntil calls check under no lock each time the state changes, until it
// reports true, ctx ends or the server closes. check must take s.mu itself if
// it reads state.
func (s *Server) waitUntil(ctx context.Context, what string, check func() bool) error {
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if check() {
			return nil
		}
		if closed {
			return fmt.Errorf("wait for %s: %w", what, ErrClosed)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		}
	}
}

// idGenerator makes increasing snowflakes from the current time.
type idGenerator struct {
	mu   sync.Mutex
	last int64
}

const discordEpochMillis = 1420070400000

func (g *idGenerator) next() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := (time.Now().UnixMilli() - discordEpochMillis) << 22
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return fmt.Sprint(id)
}

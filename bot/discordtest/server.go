package discordtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
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
// to deliver the event to (the bot never identified, its session was
// invalidated, or no session is of the shard that receives the event).
var ErrNoSession = errors.New("discordtest: no gateway session")

// ErrUnknownChannel is returned by dispatch helpers given a channel the server
// does not know. Channels are known from Options.Guilds and DM channels.
var ErrUnknownChannel = errors.New("discordtest: unknown channel")

// ErrUnknownCommand is returned by SendCommand and SendAutocomplete when no
// command of that name is registered (Discord cannot invoke it either).
var ErrUnknownCommand = errors.New("discordtest: command not registered")

// ErrNotTextChannel is returned by SendMessage, SendCommand and
// SendAutocomplete given a channel nobody can post in, such as a forum
// channel (type 15): in a forum, users post by creating a thread
// (CreateForumPost) and then write in that thread.
var ErrNotTextChannel = errors.New("discordtest: not a text channel")

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

// Channel is a guild channel.
type Channel struct {
	ID   string
	Name string
	// Type is the channel type: discordgo.ChannelTypeGuildText (0, the
	// zero value), discordgo.ChannelTypeGuildForum (15), or
	// discordgo.ChannelTypeGuildPublicThread (11) for a thread that already
	// exists when the bot connects (listed in GUILD_CREATE's threads).
	// Private threads are made with CreateThread. NewServer panics on other
	// types.
	Type discordgo.ChannelType
	// ParentID is, for a thread, the text or forum channel of the same
	// guild it belongs to; it must be listed before the thread.
	ParentID string
}

// Guild is a guild the bot is a member of. With several shards, the guild
// belongs to shard (ID >> 22) % num_shards, so IDs must be snowflakes;
// ShardGuildID makes one for a chosen shard.
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
	// "Unknown interaction" (10062) and the interaction is recorded as
	// failed. Discord's deadline is 3s (discordgo.InteractionDeadline).
	// Zero means no deadline for interactions sent over the gateway, so
	// slow test machines cause no spurious failures (InteractionRecord
	// keeps both times for tests that check the delay themselves), and 3s
	// for interactions POSTed to InteractionsEndpointURL.
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

	// Shards is the recommended number of shards GET /gateway/bot returns;
	// zero means 1. Sessions may identify with any shard count; each gets
	// the guilds (GUILD_CREATE, messages, interactions) of its shard,
	// (guild_id >> 22) % num_shards, and DMs go to shard 0 only.
	Shards int
	// RequireSharding makes the gateway refuse an IDENTIFY without a
	// shard, or with a shard count of 1, with close code 4011 (Sharding
	// required), and one whose shard count is not Shards with 4010
	// (Invalid shard), as Discord does for a bot in too many guilds.
	// NewServer panics if it is set and Shards is below 2.
	RequireSharding bool
	// MaxConcurrency is session_start_limit.max_concurrency: how many
	// IDENTIFYs the gateway accepts per IdentifyWindow, one per rate limit
	// key, shard_id % max_concurrency. Zero means 1, as for most bots.
	MaxConcurrency int
	// IdentifyWindow is the identify rate limit window: an IDENTIFY
	// arriving less than IdentifyWindow after an accepted one with the same
	// rate limit key is answered with op 9 INVALID_SESSION (d: false) and
	// recorded with Identify.RateLimited, as Discord documents. Zero means
	// Discord's 5s (DefaultIdentifyWindow); a negative value turns the
	// limit off. Tests shrink it instead of waiting 5s.
	IdentifyWindow time.Duration
	// SessionStartLimit is session_start_limit.total, the IDENTIFYs allowed
	// per 24 hours; zero means 1000. GET /gateway/bot reports it with
	// remaining decreased by every accepted IDENTIFY. The server does not
	// refuse IDENTIFYs beyond it.
	SessionStartLimit int

	// InteractionsEndpointURL, if set, is the application's Interactions
	// Endpoint URL. SendCommand, SendAutocomplete and ClickComponent then
	// POST each interaction to it as JSON, signed with the
	// X-Signature-Ed25519 and X-Signature-Timestamp headers, instead of
	// dispatching INTERACTION_CREATE over the gateway, as Discord does once
	// an endpoint is configured. The HTTP response is the interaction's
	// initial response; see InteractionRecord.Delivery. Unlike
	// SetInteractionsEndpoint, this does not check the endpoint first.
	InteractionsEndpointURL string
	// InteractionsKey signs requests to the endpoint. Nil means a key
	// generated for this server; PublicKey returns the public half.
	InteractionsKey ed25519.PrivateKey
	// InteractionsClient sends the requests to the endpoint (set it to an
	// httptest TLS server's client for an https URL). Nil means a plain
	// http.Client. The interaction deadline applies on top of its Timeout.
	InteractionsClient *http.Client
}

// DefaultIdentifyWindow is Discord's identify rate limit window, used when
// Options.IdentifyWindow is zero.
const DefaultIdentifyWindow = 5 * time.Second

// DefaultSessionStartLimit is session_start_limit.total when
// Options.SessionStartLimit is zero.
const DefaultSessionStartLimit = 1000

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

	stats         Stats
	identifies    []Identify
	identifyLast  map[int]time.Time // rate limit key -> last accepted IDENTIFY
	sessionStarts int               // accepted IDENTIFYs
	firstStart    time.Time         // first accepted IDENTIFY

	signKey    ed25519.PrivateKey
	endpoint   *http.Client
	ctx        context.Context // cancelled by Close, ends deliveries
	cancel     context.CancelFunc
	deliveries []Delivery

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
	channels []string // guild channels, threads excluded
	threads  []string // threads, oldest first
}

type channelState struct {
	id, name, guildID string
	typ               discordgo.ChannelType
	dm                bool
	recipient         User

	// threads only
	parentID      string
	ownerID       string
	botMember     bool // the bot is a member (it sees private threads only then)
	createdAt     time.Time
	archiveAfter  int    // auto_archive_duration, minutes
	messages      int    // messages sent in the thread, the starter excluded
	lastMessageID string // newest message, "" if none
}

// isThread reports whether c is a thread (types 10, 11, 12).
func (c *channelState) isThread() bool {
	return c.typ == discordgo.ChannelTypeGuildNewsThread || c.typ == discordgo.ChannelTypeGuildPublicThread ||
		c.typ == discordgo.ChannelTypeGuildPrivateThread
}

// takesMessages reports whether messages can be posted in c: not in a
// forum channel, where only threads hold messages.
func (c *channelState) takesMessages() bool { return c.typ != discordgo.ChannelTypeGuildForum }

// botSees reports whether the bot can view c: private threads only if the
// bot is a member (the test bot lacks MANAGE_THREADS).
func (c *channelState) botSees() bool {
	return c.typ != discordgo.ChannelTypeGuildPrivateThread || c.botMember
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
		identifyLast: make(map[int]time.Time),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
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
	if s.opts.Shards <= 0 {
		s.opts.Shards = 1
	}
	if s.opts.RequireSharding && s.opts.Shards < 2 {
		panic("discordtest: Options.RequireSharding needs Options.Shards of 2 or more")
	}
	if s.opts.MaxConcurrency <= 0 {
		s.opts.MaxConcurrency = 1
	}
	if s.opts.IdentifyWindow == 0 {
		s.opts.IdentifyWindow = DefaultIdentifyWindow
	}
	if s.opts.SessionStartLimit <= 0 {
		s.opts.SessionStartLimit = DefaultSessionStartLimit
	}
	s.signKey = s.opts.InteractionsKey
	if s.signKey == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(fmt.Sprintf("discordtest: generate interactions key: %v", err))
		}
		s.signKey = key
	}
	s.endpoint = s.opts.InteractionsClient
	if s.endpoint == nil {
		s.endpoint = &http.Client{}
	}
	s.botUser = User{ID: s.opts.BotUserID, Username: s.opts.BotUsername, Bot: true}
	s.users[s.botUser.ID] = s.botUser
	for _, g := range s.opts.Guilds {
		s.addGuild(g)
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
	s.cancel()
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

// addGuild stores a configured guild and its channels, panicking on
// channel types and parents the server does not model.
func (s *Server) addGuild(g Guild) {
	gs := &guildState{id: g.ID, name: g.Name}
	for _, c := range g.Channels {
		cs := &channelState{id: c.ID, name: c.Name, guildID: g.ID, typ: c.Type, createdAt: time.Now()}
		if _, dup := s.channels[c.ID]; dup {
			panic(fmt.Sprintf("discordtest: channel %s configured twice", c.ID))
		}
		switch c.Type {
		case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildForum:
			if c.ParentID != "" {
				panic(fmt.Sprintf("discordtest: channel %s: only threads take a ParentID", c.ID))
			}
			gs.channels = append(gs.channels, c.ID)
		case discordgo.ChannelTypeGuildPublicThread:
			parent, ok := s.channels[c.ParentID]
			if !ok || parent.guildID != g.ID || parent.isThread() {
				panic(fmt.Sprintf("discordtest: thread %s: parent %q is not a channel of guild %s listed before it", c.ID, c.ParentID, g.ID))
			}
			cs.parentID = c.ParentID
			cs.ownerID = DefaultUserID
			cs.archiveAfter = defaultArchiveDuration
			gs.threads = append(gs.threads, c.ID)
		default:
			panic(fmt.Sprintf("discordtest: channel %s: type %d is not modelled (use 0, 11 or 15)", c.ID, c.Type))
		}
		s.channels[c.ID] = cs
	}
	s.guilds[g.ID] = gs
	s.guildSeq = append(s.guildSeq, g.ID)
}

func (s *Server) dmChannelLocked(u User) *channelState {
	if id, ok := s.dmByUser[u.ID]; ok {
		return s.channels[id]
	}
	if _, ok := s.users[u.ID]; !ok {
		s.users[u.ID] = u
	}
	c := &channelState{id: s.ids.next(), typ: discordgo.ChannelTypeDM, dm: true, recipient: u}
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

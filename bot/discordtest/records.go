package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Request is one REST request the server received, recorded before the
// response was written, so a client call that has returned is always visible.
type Request struct {
	Seq    int       // 1 for the first request, then increasing
	Time   time.Time // arrival time
	Method string
	// Path is the full URL path, such as "/api/v9/channels/1/messages".
	Path string
	// Route is the matched route, such as "POST /channels/{channel_id}/messages";
	// it is empty for requests no route matched (answered 404 or 405).
	Route  string
	Params map[string]string // route parameters by name, such as "channel_id"
	Query  url.Values
	// Header holds the request headers without Authorization.
	Header http.Header
	// Authorized reports whether the Authorization header held the bot token.
	Authorized bool
	// Body is the raw request body exactly as sent.
	Body []byte
	// Status is the HTTP status the server answered with.
	Status int
	// Response is the raw response body (empty for 204).
	Response []byte
	// Errors lists the validation failures behind a 400 "Invalid Form Body".
	Errors []FieldError
	// RateLimited reports whether the server answered 429 by RateLimitNext,
	// GlobalRateLimitNext or AddRateLimit.
	RateLimited bool
	// Fault reports whether the server failed the request as InjectFault
	// asked; Status is 0 when it dropped the connection.
	Fault bool
}

// JSON returns the request's JSON payload: the body, or the payload_json part
// of a multipart body (as sent with files). It returns nil for an empty body.
func (r Request) JSON() []byte {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return r.Body
	}
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if p.FormName() == "payload_json" {
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(p); err != nil {
				return nil
			}
			return buf.Bytes()
		}
	}
}

// Decode unmarshals the request's JSON payload into v.
func (r Request) Decode(v any) error {
	if err := json.Unmarshal(r.JSON(), v); err != nil {
		return fmt.Errorf("decode %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// String describes the request in one line, such as
// "POST /api/v9/channels/1/messages -> 200".
func (r Request) String() string {
	s := fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status)
	for _, e := range r.Errors {
		s += "; " + e.String()
	}
	return s
}

func (r Request) clone() Request {
	r.Params = maps.Clone(r.Params)
	r.Query = url.Values(maps.Clone(map[string][]string(r.Query)))
	r.Header = r.Header.Clone()
	r.Errors = slices.Clone(r.Errors)
	return r
}

// RateLimitEvent records a 429 served because of RateLimitNext,
// GlobalRateLimitNext or AddRateLimit, or because a global rate limit was
// in force.
type RateLimitEvent struct {
	Method string
	Path   string // full URL path of the limited request
	Global bool
	// Scope is the X-RateLimit-Scope sent: "user", "shared" or "global".
	Scope string
	// Bucket is the X-RateLimit-Bucket override, if any.
	Bucket     string
	RetryAfter time.Duration
	ServedAt   time.Time
	// RetriedAt is when the next request with the same method and path
	// arrived; it is zero until then.
	RetriedAt time.Time
}

// Stats counts gateway activity.
type Stats struct {
	Connections     int // websocket connections accepted
	OpenConnections int // websocket connections currently open
	Identifies      int // IDENTIFYs answered with READY
	Resumes         int // RESUMEs answered with RESUMED
	FailedResumes   int // RESUMEs answered with INVALID_SESSION
	Heartbeats      int // heartbeats received (each answered with an ACK)
	Dispatches      int // dispatch (op 0) payloads sent, replays included
	// RateLimitedIdentifies counts IDENTIFYs answered with INVALID_SESSION
	// because they exceeded max_concurrency per IdentifyWindow.
	RateLimitedIdentifies int
	// CloseCodes lists the close codes the server sent, in order.
	CloseCodes []int
}

// Identify records one IDENTIFY payload and how the gateway answered it.
type Identify struct {
	// Time is when the IDENTIFY arrived; rate limit windows count from it.
	Time           time.Time
	Intents        discordgo.Intent
	Compress       bool
	LargeThreshold int
	// Shard is the shard field as sent, nil if absent.
	Shard *[2]int
	// ShardID and NumShards are Shard's values, or 0 and 1 without one.
	ShardID, NumShards int
	// RateLimitKey is the identify bucket, ShardID % max_concurrency. It is
	// set only for IDENTIFYs that passed the other checks (CloseCode 0).
	RateLimitKey int
	// RateLimited reports that another IDENTIFY with the same RateLimitKey
	// was accepted less than Options.IdentifyWindow before, so this one was
	// answered with op 9 INVALID_SESSION (d: false) and started no session.
	RateLimited bool
	// SessionID is the ID of the session READY started, or empty if the
	// IDENTIFY was refused or rate limited.
	SessionID  string
	Properties map[string]string
	// Raw is the payload's d object with the token replaced by "[redacted]".
	Raw json.RawMessage
	// CloseCode is the code the connection was closed with because of this
	// IDENTIFY (4004, 4010, 4011, 4013, 4014), or zero.
	CloseCode int
}

// Accepted reports whether the IDENTIFY was answered with READY.
func (id Identify) Accepted() bool { return id.SessionID != "" }

// InteractionResponse is the initial response to an interaction.
type InteractionResponse struct {
	Type discordgo.InteractionResponseType
	Time time.Time
	// Raw is the callback body exactly as sent.
	Raw json.RawMessage
	// Flags holds data.flags (for example discordgo.MessageFlagsEphemeral).
	Flags discordgo.MessageFlags
	// Choices holds the autocomplete results of a type 8 response.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// ModalCustomID and ModalTitle describe a type 9 (modal) response.
	ModalCustomID string
	ModalTitle    string
}

// InteractionRecord is the server's view of one interaction it dispatched.
type InteractionRecord struct {
	// Interaction is the interaction as dispatched to the bot.
	Interaction  *discordgo.Interaction
	DispatchedAt time.Time
	// Response is the accepted initial response, nil until there is one.
	Response *InteractionResponse
	// Original is the current state of the @original message: the message
	// a type 4 or 5 response created, or for types 6 and 7 the message the
	// component is on. Nil if there is none or it was deleted.
	Original *discordgo.Message
	// Followups holds the follow-up messages, oldest first, minus deleted ones.
	Followups []*discordgo.Message
	// Edits counts accepted PATCHes of @original.
	Edits int
	// Failed reports that the user was shown "This interaction failed":
	// no valid initial response arrived within the deadline (always 3s, or
	// Options.InteractionDeadline, for interactions POSTed to the
	// interactions endpoint; Options.InteractionDeadline, if set, for
	// interactions sent over the gateway), or the endpoint answered with
	// an error status or an invalid response.
	Failed bool
	// Delivery is the POST to Options.InteractionsEndpointURL that
	// delivered the interaction, nil for interactions sent over the
	// gateway or until the endpoint has answered (or failed to).
	Delivery *Delivery
}

// Stats returns a snapshot of the gateway counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CloseCodes = slices.Clone(st.CloseCodes)
	return st
}

// WaitForStats blocks until cond holds for the gateway counters and returns them.
func (s *Server) WaitForStats(ctx context.Context, cond func(Stats) bool) (Stats, error) {
	var st Stats
	err := s.waitUntil(ctx, "gateway stats", func() bool {
		st = s.Stats()
		return cond(st)
	})
	return st, err
}

// WaitForIdentify blocks until at least n IDENTIFYs were answered with READY.
func (s *Server) WaitForIdentify(ctx context.Context, n int) error {
	_, err := s.WaitForStats(ctx, func(st Stats) bool { return st.Identifies >= n })
	return err
}

// WaitForResume blocks until at least n RESUMEs were answered with RESUMED.
func (s *Server) WaitForResume(ctx context.Context, n int) error {
	_, err := s.WaitForStats(ctx, func(st Stats) bool { return st.Resumes >= n })
	return err
}

// Identifies returns every IDENTIFY received, oldest first, with its shard,
// rate limit key and time: refused and rate limited ones included (see
// Identify.Accepted).
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.identifies)
}

// Requests returns every REST request received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Unmatched returns the requests that matched no route: calls the bot made
// that Discord (as emulated here) does not serve.
func (s *Server) Unmatched() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Route == "" {
			out = append(out, r)
		}
	}
	return out
}

// WaitForRequest blocks until a request for which match reports true has been
// received (including requests received before the call) and returns the
// first such request. To wait only for new requests, compare Seq with
// len(s.Requests()) taken beforehand.
func (s *Server) WaitForRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	var found Request
	next := 0
	err := s.waitUntil(ctx, "request", func() bool {
		s.mu.Lock()
		batch := make([]Request, 0, len(s.requests)-next)
		for _, r := range s.requests[next:] {
			batch = append(batch, r.clone())
		}
		next = len(s.requests)
		s.mu.Unlock()
		for _, r := range batch {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found, err
}

// RateLimits returns the 429s served because of RateLimitNext, oldest first.
func (s *Server) RateLimits() []RateLimitEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.rateEvents)
}

// Messages returns every message the bot posted, in creation order and with
// later edits applied: channel messages, interaction responses and
// follow-ups. Deleted messages are left out.
func (s *Server) Messages() []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.messageOrder {
		m := s.messages[id]
		if m.deleted || m.author.ID != s.botUser.ID {
			continue
		}
		out = append(out, s.decodeMessageLocked(m))
	}
	return out
}

// Message returns the current state of any message the server knows (the
// bot's or one sent with SendMessage), and false if it is unknown or deleted.
func (s *Server) Message(id string) (*discordgo.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok || m.deleted {
		return nil, false
	}
	return s.decodeMessageLocked(m), true
}

// WaitForMessage blocks until Messages holds a message for which match
// reports true and returns it.
func (s *Server) WaitForMessage(ctx context.Context, match func(*discordgo.Message) bool) (*discordgo.Message, error) {
	var found *discordgo.Message
	err := s.waitUntil(ctx, "bot message", func() bool {
		for _, m := range s.Messages() {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// Interaction returns the record of the interaction with the given ID.
func (s *Server) Interaction(id string) (InteractionRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interactions[id]
	if !ok {
		return InteractionRecord{}, false
	}
	return s.interactionRecordLocked(in), true
}

// WaitForInteraction blocks until cond holds for the record of interaction id
// and returns the record. A nil cond waits for the initial response or for
// the interaction to fail (InteractionRecord.Failed).
func (s *Server) WaitForInteraction(ctx context.Context, id string, cond func(InteractionRecord) bool) (InteractionRecord, error) {
	if cond == nil {
		cond = func(r InteractionRecord) bool { return r.Response != nil || r.Failed }
	}
	var rec InteractionRecord
	err := s.waitUntil(ctx, "interaction "+id, func() bool {
		var ok bool
		rec, ok = s.Interaction(id)
		return ok && cond(rec)
	})
	return rec, err
}

// Commands returns the application commands registered for guildID, or the
// global commands when guildID is empty, in registration order.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, c := range s.commands[guildID] {
		var cmd discordgo.ApplicationCommand
		if err := json.Unmarshal(c.wire(), &cmd); err == nil {
			out = append(out, &cmd)
		}
	}
	return out
}

func (s *Server) interactionRecordLocked(in *interaction) InteractionRecord {
	rec := InteractionRecord{DispatchedAt: in.dispatchedAt, Edits: in.edits, Failed: s.failedLocked(in, time.Now())}
	if in.delivery != nil {
		d := in.delivery.clone()
		rec.Delivery = &d
	}
	var di discordgo.Interaction
	if err := json.Unmarshal(in.raw, &di); err == nil {
		rec.Interaction = &di
	}
	if in.response != nil {
		r := *in.response
		r.Choices = slices.Clone(r.Choices)
		rec.Response = &r
	}
	if m, ok := s.messages[in.originalID]; ok && !m.deleted {
		rec.Original = s.decodeMessageLocked(m)
	}
	for _, id := range in.followupIDs {
		if m, ok := s.messages[id]; ok && !m.deleted {
			rec.Followups = append(rec.Followups, s.decodeMessageLocked(m))
		}
	}
	return rec
}

func (s *Server) decodeMessageLocked(m *message) *discordgo.Message {
	var out discordgo.Message
	if err := json.Unmarshal(s.renderMessageLocked(m, true), &out); err != nil {
		// Components of a type discordgo cannot decode; keep the rest.
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(s.renderMessageLocked(m, true), &raw)
		delete(raw, "components")
		b, _ := json.Marshal(raw)
		_ = json.Unmarshal(b, &out)
	}
	return &out
}

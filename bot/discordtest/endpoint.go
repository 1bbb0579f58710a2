package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// ErrNoEndpoint is returned by SendPing, SendSignedRequest and CheckEndpoint
// when no interactions endpoint URL is configured.
var ErrNoEndpoint = errors.New("discordtest: no interactions endpoint URL configured")

// endpointUserAgent is the User-Agent Discord sends to interactions endpoints.
const endpointUserAgent = "Discord-Interactions/1.0 (+https://discord.com)"

// Delivery records one POST the server made to the interactions endpoint and
// what came back.
type Delivery struct {
	// InteractionID is the interaction delivered; empty for SendPing and
	// SendSignedRequest.
	InteractionID string
	// Time is when the request was sent.
	Time time.Time
	// Header holds the request headers, X-Signature-Ed25519 and
	// X-Signature-Timestamp included.
	Header http.Header
	// Body is the request body exactly as sent.
	Body []byte
	// Status is the endpoint's HTTP status, or 0 if no response came
	// (see Err).
	Status int
	// ResponseHeader and Response are the endpoint's headers and body.
	ResponseHeader http.Header
	Response       []byte
	// Latency is the time from sending the request to having read the
	// whole response.
	Latency time.Duration
	// Err is why no response came: the deadline passed (it wraps
	// context.DeadlineExceeded), the connection failed, and so on.
	Err error
	// Accepted reports whether Discord would be satisfied. For an
	// interaction: 200 with a valid initial response, which was recorded
	// as the interaction's response, or 202 with no body (the bot answers
	// through the callback route instead). For a PING: 200 with
	// {"type": 1}. For other SendSignedRequest bodies: any 2xx status.
	Accepted bool
	// Problem says why the answer was not accepted, in Discord's words
	// where it has them ("Interaction has already been acknowledged.",
	// "Invalid Form Body"), or "status 500", "no response within 3s", ...
	Problem string
	// Errors lists the validation failures behind an "Invalid Form Body"
	// Problem, as Request.Errors does for the callback route.
	Errors []FieldError
}

func (d Delivery) clone() Delivery {
	d.Header = d.Header.Clone()
	d.ResponseHeader = d.ResponseHeader.Clone()
	d.Errors = slices.Clone(d.Errors)
	return d
}

// EndpointRequest is a request for SendSignedRequest, for testing how the
// endpoint treats requests Discord would not send.
type EndpointRequest struct {
	// Body is sent as is; nil means a new PING interaction.
	Body []byte
	// Timestamp is sent in X-Signature-Timestamp (as Unix seconds) and
	// signed; zero means now. An hour ago makes a stale request.
	Timestamp time.Time
	// Key signs the request; nil means the server's key. Any other key
	// makes a request with a bad signature.
	Key ed25519.PrivateKey
	// Signature, if not empty, is sent in X-Signature-Ed25519 instead of
	// the computed signature.
	Signature string
	// Unsigned leaves out both signature headers.
	Unsigned bool
}

// PublicKey returns the hex-encoded Ed25519 public key that verifies the
// server's requests to the interactions endpoint: the application's Public
// Key in the developer portal, also GET /applications/@me's verify_key.
func (s *Server) PublicKey() string {
	return hex.EncodeToString(s.signKey.Public().(ed25519.PublicKey))
}

// InteractionsEndpointURL returns the interactions endpoint URL in use, or
// "" when interactions go over the gateway.
func (s *Server) InteractionsEndpointURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.InteractionsEndpointURL
}

// SetInteractionsEndpoint changes the interactions endpoint URL as saving it
// in the developer portal does: Discord first checks the endpoint (see
// CheckEndpoint) and keeps the old URL if the check fails, returning why.
// Interactions created afterwards go to the new URL; "" sends them over the
// gateway again, without a check.
func (s *Server) SetInteractionsEndpoint(endpointURL string) error {
	if endpointURL != "" {
		if err := s.checkEndpoint(endpointURL); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.InteractionsEndpointURL = endpointURL
	return nil
}

// CheckEndpoint runs the checks Discord makes when the endpoint URL is
// saved, and repeats later: a signed PING must be answered with 200 and
// {"type": 1} within 3s, and a PING with a bad signature must be refused
// with 401. It returns nil if both pass, ErrNoEndpoint if no URL is
// configured.
func (s *Server) CheckEndpoint() error {
	u := s.InteractionsEndpointURL()
	if u == "" {
		return ErrNoEndpoint
	}
	return s.checkEndpoint(u)
}

func (s *Server) checkEndpoint(endpointURL string) error {
	var errs []error
	good, err := s.sendTo(endpointURL, EndpointRequest{})
	if err != nil {
		return err
	}
	if !good.Accepted {
		errs = append(errs, fmt.Errorf("interactions endpoint %s: PING answered %s; want 200 {\"type\": 1}", endpointURL, good.describe()))
	}
	_, other, err := ed25519.GenerateKey(nil)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	bad, err := s.sendTo(endpointURL, EndpointRequest{Key: other})
	if err != nil {
		return err
	}
	if bad.Status != http.StatusUnauthorized {
		errs = append(errs, fmt.Errorf("interactions endpoint %s: PING with a bad signature answered %s; want 401", endpointURL, bad.describe()))
	}
	return errors.Join(errs...)
}

// describe summarizes the endpoint's answer for an error message.
func (d Delivery) describe() string {
	if d.Err != nil {
		return "with no response (" + d.Err.Error() + ")"
	}
	return fmt.Sprintf("%d %s", d.Status, truncate(string(bytes.TrimSpace(d.Response)), 80))
}

// SendPing POSTs a signed PING interaction (type 1) to the endpoint, as
// Discord does to check it, and returns the answer; Accepted is set if it
// was 200 with {"type": 1} within the deadline.
func (s *Server) SendPing() (Delivery, error) {
	return s.SendSignedRequest(EndpointRequest{})
}

// SendSignedRequest POSTs r to the endpoint and returns the answer, for
// negative tests: bad signatures (Key, Signature, Unsigned), stale
// timestamps and arbitrary bodies. Discord requires an endpoint to refuse a
// bad signature with 401. Nothing is recorded as an interaction, but the
// delivery appears in Deliveries.
func (s *Server) SendSignedRequest(r EndpointRequest) (Delivery, error) {
	u := s.InteractionsEndpointURL()
	if u == "" {
		return Delivery{}, ErrNoEndpoint
	}
	return s.sendTo(u, r)
}

func (s *Server) sendTo(endpointURL string, r EndpointRequest) (Delivery, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Delivery{}, ErrClosed
	}
	deadline := s.opts.InteractionDeadline
	if deadline <= 0 {
		deadline = discordgo.InteractionDeadline
	}
	ping := r.Body == nil
	if ping {
		r.Body = s.pingBodyLocked()
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(s.ctx, deadline)
	defer cancel()
	d := s.post(ctx, endpointURL, r)
	switch {
	case d.Err != nil:
		d.Problem = noResponseProblem(d.Err, deadline)
	case ping:
		var pong struct {
			Type *int `json:"type"`
		}
		d.Accepted = d.Status == http.StatusOK && json.Unmarshal(d.Response, &pong) == nil && pong.Type != nil && *pong.Type == 1
		if !d.Accepted {
			d.Problem = "PING not answered with 200 {\"type\": 1}"
		}
	default:
		d.Accepted = d.Status >= 200 && d.Status < 300
		if !d.Accepted {
			d.Problem = fmt.Sprintf("status %d", d.Status)
		}
	}
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.notifyLocked()
	s.mu.Unlock()
	return d.clone(), nil
}

func (s *Server) pingBodyLocked() []byte {
	b, _ := json.Marshal(map[string]any{
		"id":             s.ids.next(),
		"application_id": s.opts.ApplicationID,
		"type":           1,
		"token":          "aW50ZXJhY3Rpb24" + randomHex(24),
		"version":        1,
		"user":           userWire(User{ID: DefaultUserID, Username: DefaultUsername}),
		"entitlements":   []any{},
	})
	return b
}

func noResponseProblem(err error, deadline time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no response within %v", deadline)
	}
	return "request failed: " + err.Error()
}

// post signs and sends one request to the endpoint.
func (s *Server) post(ctx context.Context, endpointURL string, r EndpointRequest) Delivery {
	ts := r.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	key := r.Key
	if key == nil {
		key = s.signKey
	}
	sig := hex.EncodeToString(ed25519.Sign(key, append([]byte(stamp), r.Body...)))
	if r.Signature != "" {
		sig = r.Signature
	}
	d := Delivery{Time: time.Now(), Body: slices.Clone(r.Body)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpointURL, bytes.NewReader(r.Body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", endpointUserAgent)
	if !r.Unsigned {
		req.Header.Set("X-Signature-Ed25519", sig)
		req.Header.Set("X-Signature-Timestamp", stamp)
	}
	d.Header = req.Header.Clone()
	resp, err := s.endpoint.Do(req)
	if err != nil {
		d.Err = err
		d.Latency = time.Since(d.Time)
		return d
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 26<<20))
	d.Latency = time.Since(d.Time)
	if err != nil {
		d.Err = err
		return d
	}
	d.Status, d.ResponseHeader, d.Response = resp.StatusCode, resp.Header.Clone(), body
	return d
}

// goDeliver POSTs in to the endpoint in the background.
func (s *Server) goDeliver(in *interaction) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	deadline := s.deadlineLocked(in)
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		s.deliverInteraction(in, deadline)
	}()
	return nil
}

// deliverInteraction POSTs in to the endpoint and applies the answer as
// the interaction's initial response, with the checks of the callback route.
func (s *Server) deliverInteraction(in *interaction, deadline time.Duration) {
	ctx, cancel := context.WithDeadline(s.ctx, in.dispatchedAt.Add(deadline))
	defer cancel()
	d := s.post(ctx, in.endpoint, EndpointRequest{Body: in.raw})
	d.InteractionID = in.id
	arrived := d.Time.Add(d.Latency)

	s.mu.Lock()
	var c *call
	switch {
	case d.Err != nil:
		d.Problem = noResponseProblem(d.Err, deadline)
	case d.Status == http.StatusAccepted && len(bytes.TrimSpace(d.Response)) == 0:
		// The bot answered, or will answer, through the callback route;
		// the deadline still applies to that.
		d.Accepted = true
	case d.Status != http.StatusOK:
		d.Problem = fmt.Sprintf("status %d", d.Status)
	default:
		c = &call{r: &http.Request{Header: d.ResponseHeader}, body: d.Response, query: url.Values{}, now: arrived}
		if bad := c.readPayload(); bad != nil {
			d.Problem = replyMessage(*bad)
		} else if len(c.payload) == 0 {
			d.Problem = "empty response body"
		} else if rep := s.respondLocked(c, in); rep.status >= 300 {
			d.Problem, d.Errors = replyMessage(rep), rep.errs
		} else {
			d.Accepted = true
		}
	}
	if !d.Accepted && !in.responded {
		in.failed = true
	}
	in.delivery = &d
	s.deliveries = append(s.deliveries, d)
	s.notifyLocked()
	s.mu.Unlock()
	if !d.Accepted {
		s.logf("endpoint: interaction %s failed: %s", in.id, d.Problem)
	}
	if c != nil {
		s.deliverMessageEvents(c.events)
	}
}

// replyMessage returns the message of an error reply, such as
// "Invalid Form Body".
func replyMessage(r reply) string {
	if m, ok := r.body.(map[string]any); ok {
		if msg, ok := m["message"].(string); ok {
			return msg
		}
	}
	return fmt.Sprintf("status %d", r.status)
}

// Deliveries returns every request made to the interactions endpoint,
// oldest first: interactions, PINGs and SendSignedRequest calls.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.deliveries))
	for i, d := range s.deliveries {
		out[i] = d.clone()
	}
	return out
}

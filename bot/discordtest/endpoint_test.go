package discordtest_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

// botEndpoint is an interactions endpoint written as a bot would write it:
// it checks Discord's signature (and the timestamp's age), answers PING with
// PONG and hands other interactions to answer.
type botEndpoint struct {
	*httptest.Server
	sloppy bool // accept any signature, as a careless bot does

	mu     sync.Mutex
	pub    ed25519.PublicKey
	answer func(w http.ResponseWriter, r *http.Request, in *discordgo.Interaction)
}

// maxSignatureAge is how old a timestamp botEndpoint accepts.
const maxSignatureAge = 5 * time.Minute

func newBotEndpoint(t *testing.T, sloppy bool) *botEndpoint {
	t.Helper()
	ep := &botEndpoint{sloppy: sloppy}
	ep.Server = httptest.NewServer(http.HandlerFunc(ep.serve))
	t.Cleanup(ep.Close)
	return ep
}

// trust sets the public key to verify with, the server's PublicKey.
func (ep *botEndpoint) trust(t *testing.T, publicKeyHex string) {
	t.Helper()
	pub, err := hex.DecodeString(publicKeyHex)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		t.Fatalf("PublicKey() = %q: not a hex Ed25519 key (%v)", publicKeyHex, err)
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.pub = pub
}

func (ep *botEndpoint) setAnswer(f func(w http.ResponseWriter, r *http.Request, in *discordgo.Interaction)) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.answer = f
}

// verifySignature is the check Discord requires of an endpoint.
func verifySignature(pub ed25519.PublicKey, h http.Header, body []byte) bool {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return false
	}
	ts := h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)) > maxSignatureAge {
		return false
	}
	return ed25519.Verify(pub, append([]byte(ts), body...), sig)
}

func (ep *botEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ep.mu.Lock()
	pub, answer := ep.pub, ep.answer
	ep.mu.Unlock()
	if !ep.sloppy && !verifySignature(pub, r.Header, body) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var in discordgo.Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if in.Type == discordgo.InteractionPing {
		writeJSON(w, map[string]any{"type": 1})
		return
	}
	if answer == nil {
		http.Error(w, "no handler", http.StatusBadRequest)
		return
	}
	answer(w, r, &in)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// respondWith answers every interaction with v as the HTTP response body.
func respondWith(v any) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
	return func(w http.ResponseWriter, _ *http.Request, _ *discordgo.Interaction) { writeJSON(w, v) }
}

// endpointServer starts a server delivering interactions to a new
// botEndpoint, with the ask/topic/help commands registered and a bot
// message with a button (custom_id "more"), whose ID it returns with a
// REST-only discordgo session.
func endpointServer(t *testing.T, opts discordtest.Options) (*discordtest.Server, *botEndpoint, *discordgo.Session, string) {
	t.Helper()
	ep := newBotEndpoint(t, false)
	opts.InteractionsEndpointURL = ep.URL
	srv := discordtest.NewServer(t, opts)
	ep.trust(t, srv.PublicKey())
	s, _ := discordgo.New("Bot " + srv.Token()) // REST only, never opened
	s.Client = clientFor(srv)
	registerCommands(t, s, srv)
	m, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &discordgo.MessageSend{
		Content:    "page 1",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "More", CustomID: "more"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, ep, s, m.ID
}

func choices(n int) []map[string]any {
	var out []map[string]any
	for i := range n {
		out = append(out, map[string]any{"name": fmt.Sprint("choice ", i), "value": fmt.Sprint(i)})
	}
	return out
}

func TestEndpointDelivery(t *testing.T) {
	t.Parallel()
	ask := discordtest.Command{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "why?"},
	}}
	type env struct {
		srv *discordtest.Server
		s   *discordgo.Session
	}
	for _, tt := range []struct {
		name     string
		send     string // "command", "autocomplete" or "button"
		deadline time.Duration
		answer   func(e *env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction)
		wantType discordgo.InteractionResponseType // 0: no response recorded
		wantFail bool
		problem  string // substring of Delivery.Problem; "" means accepted
		check    func(t *testing.T, e *env, rec discordtest.InteractionRecord)
	}{
		{name: "message", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 4, "data": map[string]any{"content": "because"}})
			},
			wantType: discordgo.InteractionResponseChannelMessageWithSource,
			check: func(t *testing.T, _ *env, rec discordtest.InteractionRecord) {
				if rec.Original == nil || rec.Original.Content != "because" {
					t.Errorf("original = %+v; want \"because\"", rec.Original)
				}
			}},
		{name: "deferred, then edited over REST", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 5})
			},
			wantType: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			check: func(t *testing.T, e *env, rec discordtest.InteractionRecord) {
				content := "done"
				if _, err := e.s.InteractionResponseEdit(rec.Interaction, &discordgo.WebhookEdit{Content: &content}); err != nil {
					t.Fatalf("InteractionResponseEdit: %v", err)
				}
				if _, err := e.s.FollowupMessageCreate(rec.Interaction, true, &discordgo.WebhookParams{Content: "more"}); err != nil {
					t.Fatalf("FollowupMessageCreate: %v", err)
				}
				got, _ := e.srv.Interaction(rec.Interaction.ID)
				if got.Edits != 1 || got.Original.Content != "done" || len(got.Followups) != 1 {
					t.Errorf("after edit and follow-up: %d edits, original %q, %d follow-ups; want 1, done, 1", got.Edits, got.Original.Content, len(got.Followups))
				}
			}},
		{name: "autocomplete", send: "autocomplete",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 8, "data": map[string]any{"choices": choices(25)}})
			},
			wantType: discordgo.InteractionApplicationCommandAutocompleteResult,
			check: func(t *testing.T, _ *env, rec discordtest.InteractionRecord) {
				if len(rec.Response.Choices) != 25 {
					t.Errorf("%d choices; want 25", len(rec.Response.Choices))
				}
			}},
		{name: "update message", send: "button",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 7, "data": map[string]any{"content": "page 2"}})
			},
			wantType: discordgo.InteractionResponseUpdateMessage,
			check: func(t *testing.T, _ *env, rec discordtest.InteractionRecord) {
				if rec.Original == nil || rec.Original.Content != "page 2" || rec.Original.ID != rec.Interaction.Message.ID {
					t.Errorf("original = %+v; want the button's message, updated", rec.Original)
				}
			}},
		{name: "deferred update", send: "button",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 6})
			},
			wantType: discordgo.InteractionResponseDeferredMessageUpdate},
		{name: "callback over REST, then 202", send: "command",
			answer: func(e *env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(w http.ResponseWriter, _ *http.Request, in *discordgo.Interaction) {
					err := e.s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
					if err != nil {
						http.Error(w, err.Error(), 500)
						return
					}
					w.WriteHeader(http.StatusAccepted)
				}
			},
			wantType: discordgo.InteractionResponseDeferredChannelMessageWithSource},
		{name: "callback over REST, then a body too", send: "command",
			answer: func(e *env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(w http.ResponseWriter, _ *http.Request, in *discordgo.Interaction) {
					_ = e.s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
					writeJSON(w, map[string]any{"type": 4, "data": map[string]any{"content": "twice"}})
				}
			},
			wantType: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			problem:  "Interaction has already been acknowledged."},
		// The deadline leaves a loaded machine time to deliver the 202.
		{name: "202 and no callback", send: "command", deadline: time.Second,
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(w http.ResponseWriter, _ *http.Request, _ *discordgo.Interaction) {
					w.WriteHeader(http.StatusAccepted)
				}
			},
			wantFail: true},
		{name: "no answer within the deadline", send: "command", deadline: 100 * time.Millisecond,
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(_ http.ResponseWriter, r *http.Request, _ *discordgo.Interaction) { <-r.Context().Done() }
			},
			wantFail: true, problem: "no response within 100ms",
			check: func(t *testing.T, e *env, rec discordtest.InteractionRecord) {
				err := e.s.InteractionRespond(rec.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
				if status, code := restCode(err); status != 404 || code != 10062 {
					t.Errorf("late callback: %d %d; want 404 10062", status, code)
				}
			}},
		{name: "server error", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(w http.ResponseWriter, _ *http.Request, _ *discordgo.Interaction) { http.Error(w, "oops", 500) }
			},
			wantFail: true, problem: "status 500"},
		{name: "PONG to a command", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 1})
			},
			wantFail: true, problem: "Invalid Form Body",
			check: func(t *testing.T, _ *env, rec discordtest.InteractionRecord) {
				if errs := rec.Delivery.Errors; len(errs) != 1 || errs[0].Code != "INTERACTION_RESPONSE_TYPE_INVALID" {
					t.Errorf("errors = %v; want INTERACTION_RESPONSE_TYPE_INVALID", errs)
				}
			}},
		{name: "26 choices", send: "autocomplete",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 8, "data": map[string]any{"choices": choices(26)}})
			},
			wantFail: true, problem: "Invalid Form Body",
			check: func(t *testing.T, _ *env, rec discordtest.InteractionRecord) {
				if errs := rec.Delivery.Errors; len(errs) != 1 || errs[0].Path != "data.choices" {
					t.Errorf("errors = %v; want one at data.choices", errs)
				}
			}},
		{name: "content too long", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 4, "data": map[string]any{"content": strings.Repeat("x", 2001)}})
			},
			wantFail: true, problem: "Invalid Form Body"},
		{name: "empty message", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return respondWith(map[string]any{"type": 4, "data": map[string]any{"content": ""}})
			},
			wantFail: true, problem: "Cannot send an empty message"},
		{name: "not JSON", send: "command",
			answer: func(*env) func(http.ResponseWriter, *http.Request, *discordgo.Interaction) {
				return func(w http.ResponseWriter, _ *http.Request, _ *discordgo.Interaction) { _, _ = io.WriteString(w, "{") }
			},
			wantFail: true, problem: "invalid JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, ep, s, buttonMsg := endpointServer(t, discordtest.Options{InteractionDeadline: tt.deadline})
			e := &env{srv: srv, s: s}
			ep.setAnswer(tt.answer(e))
			var in *discordgo.Interaction
			var err error
			switch tt.send {
			case "command":
				in, err = srv.SendCommand(ask)
			case "autocomplete":
				in, err = srv.SendAutocomplete(discordtest.Autocomplete{Name: "topic", Focused: "name", Value: "gr"})
			case "button":
				in, err = srv.ClickComponent(discordtest.ComponentClick{MessageID: buttonMsg, CustomID: "more"})
			}
			if err != nil {
				t.Fatalf("send %s: %v (no gateway session is needed)", tt.send, err)
			}
			rec, err := srv.WaitForInteraction(waitCtx(t), in.ID, func(r discordtest.InteractionRecord) bool {
				return r.Delivery != nil && (r.Response != nil || r.Failed)
			})
			if err != nil {
				t.Fatalf("WaitForInteraction: %v", err)
			}
			d := rec.Delivery
			if d.InteractionID != in.ID || d.Accepted != (tt.problem == "") || !strings.Contains(d.Problem, tt.problem) || (tt.problem == "") != (d.Problem == "") {
				t.Errorf("delivery accepted %v, problem %q (status %d %s); want problem %q", d.Accepted, d.Problem, d.Status, d.Response, tt.problem)
			}
			if rec.Failed != tt.wantFail {
				t.Errorf("Failed = %v; want %v", rec.Failed, tt.wantFail)
			}
			var gotType discordgo.InteractionResponseType
			if rec.Response != nil {
				gotType = rec.Response.Type
			}
			if gotType != tt.wantType {
				t.Errorf("response type %d; want %d", gotType, tt.wantType)
			}
			// The request was what Discord sends: the interaction, signed.
			var sent discordgo.Interaction
			if err := json.Unmarshal(d.Body, &sent); err != nil || sent.ID != in.ID || sent.Token != in.Token {
				t.Errorf("delivered body = %s; want interaction %s", d.Body, in.ID)
			}
			pub, _ := hex.DecodeString(srv.PublicKey())
			if !verifySignature(pub, d.Header, d.Body) || d.Header.Get("Content-Type") != "application/json" {
				t.Errorf("delivery headers %v do not verify", d.Header)
			}
			if tt.check != nil {
				tt.check(t, e, rec)
			}
		})
	}
}

// TestEndpointReplacesGateway checks that with an endpoint, interactions no
// longer come over the gateway, while message events still do.
func TestEndpointReplacesGateway(t *testing.T) {
	t.Parallel()
	srv, ep, _, _ := endpointServer(t, discordtest.Options{})
	ep.setAnswer(respondWith(map[string]any{"type": 4, "data": map[string]any{"content": "over HTTP"}}))
	s := openSession(t, srv, testIntents)
	gateway := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { gateway <- i })
	answers := make(chan *discordgo.MessageCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { answers <- m })

	in, err := srv.SendCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if m := receive(t, answers, "MESSAGE_CREATE of the response"); m.Content != "over HTTP" || m.Interaction == nil || m.Interaction.ID != in.ID {
		t.Errorf("MESSAGE_CREATE = %q for %+v; want the response to %s", m.Content, m.Interaction, in.ID)
	}
	if ds := srv.Sessions()[0].Dispatches; slices.Contains(ds, "INTERACTION_CREATE") {
		t.Errorf("dispatched %v; want no INTERACTION_CREATE", ds)
	}
	select {
	case i := <-gateway:
		t.Errorf("INTERACTION_CREATE %s over the gateway", i.ID)
	default:
	}
	// Back to the gateway.
	if err := srv.SetInteractionsEndpoint(""); err != nil {
		t.Fatal(err)
	}
	in, err = srv.SendCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if i := receive(t, gateway, "INTERACTION_CREATE"); i.ID != in.ID {
		t.Errorf("INTERACTION_CREATE %s; want %s", i.ID, in.ID)
	}
}

func TestEndpointSignatures(t *testing.T) {
	t.Parallel()
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	ep := newBotEndpoint(t, false)
	srv := discordtest.NewServer(t, discordtest.Options{InteractionsEndpointURL: ep.URL})
	ep.trust(t, srv.PublicKey())
	forOtherBody := hex.EncodeToString(ed25519.Sign(otherKey, []byte("1700000000{}")))
	for _, tt := range []struct {
		name       string
		req        discordtest.EndpointRequest
		wantStatus int
		wantOK     bool
	}{
		{"valid PING", discordtest.EndpointRequest{}, 200, true},
		{"signed by another key", discordtest.EndpointRequest{Key: otherKey}, 401, false},
		{"garbage signature", discordtest.EndpointRequest{Signature: "not hex"}, 401, false},
		{"signature of another body", discordtest.EndpointRequest{Signature: forOtherBody}, 401, false},
		{"no signature headers", discordtest.EndpointRequest{Unsigned: true}, 401, false},
		{"stale timestamp", discordtest.EndpointRequest{Timestamp: time.Now().Add(-time.Hour)}, 401, false},
		{"custom PING body", discordtest.EndpointRequest{Body: []byte(`{"type":1,"id":"1","token":"t","application_id":"` + srv.ApplicationID() + `","version":1}`)}, 200, true},
		{"not JSON", discordtest.EndpointRequest{Body: []byte("{")}, 400, false},
	} {
		d, err := srv.SendSignedRequest(tt.req)
		if err != nil {
			t.Errorf("%s: SendSignedRequest: %v", tt.name, err)
			continue
		}
		if d.Status != tt.wantStatus || d.Accepted != tt.wantOK || d.Err != nil {
			t.Errorf("%s: status %d accepted %v err %v; want %d, %v", tt.name, d.Status, d.Accepted, d.Err, tt.wantStatus, tt.wantOK)
		}
		if tt.req.Unsigned && (d.Header.Get("X-Signature-Ed25519") != "" || d.Header.Get("X-Signature-Timestamp") != "") {
			t.Errorf("%s: headers %v; want no signature headers", tt.name, d.Header)
		}
	}
	if got := srv.Deliveries(); len(got) != 8 {
		t.Errorf("Deliveries() has %d entries; want 8", len(got))
	}
	ping, err := srv.SendPing()
	if err != nil || !ping.Accepted || string(ping.Response) != "{\"type\":1}\n" {
		t.Errorf("SendPing() = %+v, %v; want an accepted PONG", ping, err)
	}
}

func TestSetInteractionsEndpoint(t *testing.T) {
	t.Parallel()
	good := newBotEndpoint(t, false)
	sloppy := newBotEndpoint(t, true)
	mute := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, map[string]any{}) }))
	t.Cleanup(mute.Close)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := discordtest.NewServer(t, discordtest.Options{InteractionsKey: key})
	if want := hex.EncodeToString(key.Public().(ed25519.PublicKey)); srv.PublicKey() != want {
		t.Errorf("PublicKey() = %s; want %s, from Options.InteractionsKey", srv.PublicKey(), want)
	}
	good.trust(t, srv.PublicKey())
	sloppy.trust(t, srv.PublicKey())
	if _, body := rawCall(t, srv, "GET", "/applications/@me", nil); body["verify_key"] != srv.PublicKey() {
		t.Errorf("verify_key = %v; want %s", body["verify_key"], srv.PublicKey())
	}
	if err := srv.CheckEndpoint(); !errors.Is(err, discordtest.ErrNoEndpoint) {
		t.Errorf("CheckEndpoint() without a URL = %v; want ErrNoEndpoint", err)
	}
	for _, tt := range []struct {
		name    string
		url     string
		wantErr string
	}{
		{"accepts bad signatures", sloppy.URL, "bad signature answered 200"},
		{"no PONG", mute.URL, "PING answered 200 {}"},
		{"unreachable", down.URL, "no response"},
		{"good", good.URL, ""},
	} {
		err := srv.SetInteractionsEndpoint(tt.url)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: SetInteractionsEndpoint = %v; want nil", tt.name, err)
			} else if srv.InteractionsEndpointURL() != tt.url {
				t.Errorf("%s: URL = %q; want %q", tt.name, srv.InteractionsEndpointURL(), tt.url)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: SetInteractionsEndpoint = %v; want an error with %q", tt.name, err, tt.wantErr)
		}
		if srv.InteractionsEndpointURL() != "" {
			t.Errorf("%s: URL = %q after a failed check; want it unchanged", tt.name, srv.InteractionsEndpointURL())
		}
	}
	if err := srv.CheckEndpoint(); err != nil {
		t.Errorf("CheckEndpoint() = %v", err)
	}
}

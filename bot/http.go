package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The HTTP door: Discord POSTs each interaction, signed, to the
// interactions endpoint, and the HTTP response is the interaction's
// initial response. Answers that take longer than DeferAfter are
// acknowledged with a deferred response (type 5) and edited in through
// the webhook routes of the interaction's token, which need no bot token.

// HTTPOptions configure an HTTPDoor.
type HTTPOptions struct {
	// PublicKey is the application's Ed25519 public key, 64 hex digits as
	// the General Information page of the developer portal shows it. Every
	// request to POST /interactions must be signed with its private half.
	// Required.
	PublicKey string
	// ApplicationID is the application's ID, which names it in the webhook
	// routes that edit deferred answers in. Every interaction carries its
	// application's ID too, and that is used; one that differs from
	// ApplicationID is logged as an error (the setting is wrong). "" means
	// the interaction's only.
	ApplicationID string
	// APIURL is the base of Discord's REST API, as for Options.APIURL; ""
	// means Discord.
	APIURL string
	// Logger receives one line per request at debug level, refusals
	// included, and every failure to deliver an answer at error level; nil
	// means slog.Default(). Interaction tokens and other credentials are
	// removed from every line first.
	Logger *slog.Logger
	// Ready reports whether the process is ready to serve, for GET /readyz:
	// nil when it is, otherwise why not (such as "not connected to the
	// gateway yet"). A nil Ready means always ready.
	Ready func() error
	// DeferAfter is how long the endpoint waits for an answer that searches
	// the text (/ask, /topic) before it acknowledges the interaction with a
	// deferred response and edits the answer in when it is made. 0 means
	// DefaultDeferAfter; it is at most 2.5s, since Discord allows three
	// seconds; a negative value defers every such answer.
	DeferAfter time.Duration
	// AnswerDeadline, MaxRateLimitWait and RetryBackoff bound the delivery
	// of a deferred answer as Options' fields of the same names bound the
	// gateway's; zero values mean the same defaults.
	AnswerDeadline   time.Duration
	MaxRateLimitWait time.Duration // see AnswerDeadline
	RetryBackoff     time.Duration // see AnswerDeadline
	// Events, if set, is told of every response from Discord's REST API
	// to the edits and follow-ups of deferred answers (metrics count
	// them), as Options.Events is.
	Events DiscordObserver
}

// DefaultDeferAfter is how long the HTTP endpoint waits for an answer
// before deferring it: well within the three seconds Discord allows, with
// room for the network.
const DefaultDeferAfter = 1500 * time.Millisecond

// Routes of an HTTPDoor.
const (
	PathInteractions = "/interactions"
	PathHealthz      = "/healthz"
	PathReadyz       = "/readyz"
)

// HTTP endpoint limits.
const (
	// maxUnknownWebhookRetries bounds the retries of an edit that Discord
	// answers with 404 Unknown Webhook (10015): it does until it has taken
	// in the deferred response that the edit follows.
	maxUnknownWebhookRetries = 5
	// unknownWebhookBackoff is the first pause before such a retry;
	// pauses double from there.
	unknownWebhookBackoff = 50 * time.Millisecond
	// discordErrUnknownWebhook is Discord's error code for a webhook (or
	// an interaction's @original) it does not know.
	discordErrUnknownWebhook = 10015
	// userAgentHTTP is sent with the endpoint's REST requests, as the
	// gateway door sends its own.
	userAgentHTTP = "DiscordBot (https://github.com/lectern, 1.0) lectern"
)

// HTTPDoor is the HTTP interactions endpoint door: an http.Handler that
// checks the signature of each interaction Discord POSTs to it, turns it
// into a Request for a Core, and answers with the Core's Response, in the
// HTTP response or, for an answer that takes longer than DeferAfter,
// deferred and then edited in through Discord's webhook API. It serves
// GET /healthz and GET /readyz too. It keeps no state between requests
// (buttons carry theirs), so any number of replicas, each with its own
// core on the same text, may serve one application behind a load
// balancer; cooldowns count per replica. Create it with NewHTTP; it is
// safe for concurrent use.
type HTTPDoor struct {
	core *Core
	opts HTTPOptions
	pub  ed25519.PublicKey
	log  *slog.Logger
	rest *restClient
	mux  *http.ServeMux

	// stop ends the delivery of deferred answers when Shutdown stops
	// waiting.
	stopCtx context.Context
	stop    context.CancelFunc

	inflight flights // deferred answers being delivered

	warnedApp atomic.Bool // the application ID mismatch is logged once
	// editBackoff is the first pause before retrying an edit that met
	// 404 Unknown Webhook.
	editBackoff time.Duration
}

// NewHTTP returns the HTTP door answering with core. It does not listen:
// serve it with an http.Server. It starts finding each book's topics in
// the background, as the gateway door does, so that /topic's
// autocomplete answers at once.
func NewHTTP(core *Core, opts HTTPOptions) (*HTTPDoor, error) {
	if core == nil {
		return nil, errors.New("bot: no core")
	}
	pub, err := ParsePublicKey(opts.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("bot: public key: %w", err)
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	red := newRedactor(urlSecrets(opts.APIURL)...)
	base, err := url.Parse(opts.APIURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("bot: API URL %q is not an http(s) URL", red.String(opts.APIURL))
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	switch {
	case opts.DeferAfter == 0:
		opts.DeferAfter = DefaultDeferAfter
	case opts.DeferAfter > ackDeadline:
		opts.DeferAfter = ackDeadline
	}
	if opts.AnswerDeadline <= 0 {
		opts.AnswerDeadline = DefaultAnswerDeadline
	}
	if opts.MaxRateLimitWait <= 0 {
		opts.MaxRateLimitWait = DefaultMaxRateLimitWait
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = DefaultRetryBackoff
	}
	log := slog.New(redactHandler{next: opts.Logger.Handler(), r: red})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	stopCtx, stop := context.WithCancel(context.Background())
	d := &HTTPDoor{
		core: core,
		opts: opts,
		pub:  pub,
		log:  log,
		rest: &restClient{
			http:       &http.Client{Transport: &rewriteTransport{base: base, next: tr}},
			userAgent:  userAgentHTTP,
			log:        log,
			maxWait:    opts.MaxRateLimitWait,
			backoff:    opts.RetryBackoff,
			maxBackoff: max(opts.RetryBackoff, maxReplyBackoff),
			events:     opts.Events,
		},
		mux:         http.NewServeMux(),
		stopCtx:     stopCtx,
		stop:        stop,
		editBackoff: unknownWebhookBackoff,
	}
	d.mux.HandleFunc("POST "+PathInteractions, d.interactions)
	d.mux.HandleFunc("GET "+PathHealthz, d.healthz)
	d.mux.HandleFunc("GET "+PathReadyz, d.readyz)
	go core.warmUp()
	return d, nil
}

// ServeHTTP serves POST /interactions, GET /healthz and GET /readyz; other
// methods on those paths get 405, other paths 404.
func (d *HTTPDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := d.mux.Handler(r); pattern == "" {
		d.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "reason", "no such route for the method", "remote", r.RemoteAddr)
	}
	d.mux.ServeHTTP(w, r)
}

// Shutdown stops deferring answers and waits until the deferred answers
// still being made or edited in are delivered, or ctx is done; then it
// abandons those left and returns ctx's error. Stop the http.Server first
// (http.Server.Shutdown), so that no request is still being answered.
// Requests that arrive afterwards are answered in the HTTP response,
// however long that takes.
func (d *HTTPDoor) Shutdown(ctx context.Context) error {
	done := d.inflight.close()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		d.log.Warn("shutting down with deferred answers still being delivered")
		err = ctx.Err()
	}
	d.stop()
	return err
}

// healthz reports that the process is alive.
func (d *HTTPDoor) healthz(w http.ResponseWriter, r *http.Request) {
	writeText(w, http.StatusOK, "ok")
	d.log.Debug("http request", "method", r.Method, "path", r.URL.Path, "status", http.StatusOK)
}

// readyz reports whether the process is ready to serve: the text is loaded
// (the door exists) and Ready says so.
func (d *HTTPDoor) readyz(w http.ResponseWriter, r *http.Request) {
	var err error
	switch {
	case d.inflight.isClosing():
		err = errors.New("shutting down")
	case d.opts.Ready != nil:
		err = d.opts.Ready()
	}
	status := writeReady(w, err)
	d.log.Debug("http request", "method", r.Method, "path", r.URL.Path, "status", status)
}

// writeReady answers a readiness check: 200 "ready" when err is nil, else
// 503 "not ready: " and why. It returns the status.
func writeReady(w http.ResponseWriter, err error) int {
	if err != nil {
		writeText(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
		return http.StatusServiceUnavailable
	}
	writeText(w, http.StatusOK, "ready")
	return http.StatusOK
}

// Health returns a handler of the health checks alone, for a listener
// without the interactions endpoint: GET /healthz answers 200 (alive), GET
// /readyz 200 when ready returns nil and 503 with its error otherwise;
// anything else 404.
func Health(ready func() error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathHealthz, func(w http.ResponseWriter, r *http.Request) { writeText(w, http.StatusOK, "ok") })
	mux.HandleFunc("GET "+PathReadyz, func(w http.ResponseWriter, r *http.Request) { writeReady(w, ready()) })
	return mux
}

// NotReady returns a handler for an HTTP listener that starts before its
// HTTPDoor can be made, while the text loads: GET /healthz answers 200
// (alive), and every other request 503 with reason, /readyz included.
func NotReady(reason string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathHealthz && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			writeText(w, http.StatusOK, "ok")
			return
		}
		w.Header().Set("Retry-After", "1")
		writeText(w, http.StatusServiceUnavailable, "not ready: "+reason)
	})
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}

// interactions answers POST /interactions.
func (d *HTTPDoor) interactions(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("panic in the interactions endpoint", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			writeText(w, http.StatusInternalServerError, "internal error")
		}
	}()
	body, err := readVerified(r, d.pub, received)
	switch {
	case errors.Is(err, errTooLarge):
		d.refuse(w, r, http.StatusRequestEntityTooLarge, err)
		return
	case errors.Is(err, errNoSignature), errors.Is(err, errBadSignature), errors.Is(err, errStale):
		d.refuse(w, r, http.StatusUnauthorized, err)
		return
	case err != nil:
		d.refuse(w, r, http.StatusBadRequest, err)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		d.refuse(w, r, http.StatusBadRequest, fmt.Errorf("not an interaction: %w", err))
		return
	}
	switch i.Type {
	case discordgo.InteractionPing:
		d.answer(w, r, &i, received, "pong", map[string]int{"type": int(discordgo.InteractionResponsePong)})
		return
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionMessageComponent:
	default:
		d.refuse(w, r, http.StatusBadRequest, fmt.Errorf("interaction type %d is not handled", int(i.Type)))
		return
	}
	user := interactionUser(&i)
	if user == nil || user.ID == "" {
		d.refuse(w, r, http.StatusBadRequest, errors.New("the interaction names no user"))
		return
	}
	req, _ := requestOfInteraction(&i, DoorHTTP, user.ID)
	req.Parent, req.Thread = threadParent(body)
	app := d.appOf(&i)
	ack, cancel := context.WithDeadline(r.Context(), received.Add(ackDeadline))
	defer cancel()
	resp := d.core.Handle(ack, req)
	switch resp.Action {
	case Choices:
		out := choicesResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
		out.Data.Choices = make([]*discordgo.ApplicationCommandOptionChoice, len(resp.Choices))
		for k, c := range resp.Choices {
			out.Data.Choices[k] = &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value}
		}
		d.answer(w, r, &i, received, "choices", out)
	case UpdateMessage:
		d.answer(w, r, &i, received, "update", resp.Reply.response(discordgo.InteractionResponseUpdateMessage))
	case NewMessage:
		if resp.Deferrable {
			d.finish(w, r, &i, app, user.ID, received, resp)
			return
		}
		d.answer(w, r, &i, received, "message", resp.Reply.response(discordgo.InteractionResponseChannelMessageWithSource))
	default:
		if i.Type == discordgo.InteractionMessageComponent {
			// Acknowledge the click, leaving the message as it is.
			d.answer(w, r, &i, received, "acknowledge", map[string]int{"type": int(discordgo.InteractionResponseDeferredMessageUpdate)})
			return
		}
		d.log.Error("no answer to an interaction", "type", interactionKind(i.Type), "guild", i.GuildID, "channel", i.ChannelID, "user", user.ID)
		writeText(w, http.StatusInternalServerError, "no answer")
	}
}

// choicesResponse is an autocomplete result; unlike discordgo's, it sends
// an empty list of choices as [] rather than leaving the list out.
type choicesResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// finish answers a Deferrable response: in the HTTP response if its reply
// is made within DeferAfter, otherwise with a deferred response (private
// if the reply will be), and then by editing the reply in once the
// deferred response has been sent: Discord answers an edit that comes
// before it with 404 Unknown Webhook.
func (d *HTTPDoor) finish(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, app, user string, received time.Time, resp Response) {
	if !d.inflight.begin() {
		// Shutting down: nothing may outlive the request.
		out := resp.Finish(r.Context())
		d.answer(w, r, i, received, "message", out.Reply.response(discordgo.InteractionResponseChannelMessageWithSource))
		return
	}
	ctx, cancel := context.WithDeadline(d.stopCtx, received.Add(d.opts.AnswerDeadline))
	made := make(chan Response, 1)
	go func() { made <- resp.Finish(ctx) }()
	// later delivers the reply once made, after the HTTP response.
	later := func(deliver func(Response)) {
		go func() {
			defer d.inflight.end()
			defer cancel()
			deliver(<-made)
		}()
	}
	if d.opts.DeferAfter > 0 {
		t := time.NewTimer(d.opts.DeferAfter)
		defer t.Stop()
		select {
		case out := <-made:
			cancel()
			d.inflight.end()
			d.answer(w, r, i, received, "message", out.Reply.response(discordgo.InteractionResponseChannelMessageWithSource))
			return
		case <-r.Context().Done():
			later(func(Response) {}) // nobody is waiting for it now
			d.log.Debug("interaction abandoned by the client", "type", interactionKind(i.Type), "guild", i.GuildID, "channel", i.ChannelID, "user", user)
			return
		case <-t.C:
		}
	}
	if !d.answer(w, r, i, received, "deferred", resp.Reply.response(discordgo.InteractionResponseDeferredChannelMessageWithSource)) {
		later(func(Response) {})
		return
	}
	if app == "" {
		later(func(Response) {})
		d.log.Error("answer not delivered: no application ID to edit it in with: set discord.application_id", "guild", i.GuildID, "channel", i.ChannelID, "user", user)
		return
	}
	later(func(out Response) {
		start := time.Now()
		if err := d.editOriginal(ctx, app, i.Token, out.Reply); err != nil {
			d.log.Error("answer not delivered", "guild", i.GuildID, "channel", i.ChannelID, "user", user, "error", err)
			d.tellUndelivered(app, i, user)
			return
		}
		d.log.Debug("deferred answer edited in", "guild", i.GuildID, "channel", i.ChannelID, "user", user,
			"edit_ms", msSince(start), "latency_ms", msSince(received))
	})
}

// answer writes the HTTP response to an interaction, as JSON, and flushes
// it; it reports whether it was written.
func (d *HTTPDoor) answer(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, received time.Time, what string, v any) bool {
	body, err := json.Marshal(v)
	if err != nil {
		d.log.Error("interaction response not encoded", "type", interactionKind(i.Type), "error", err)
		writeText(w, http.StatusInternalServerError, "internal error")
		return false
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	if err == nil {
		err = http.NewResponseController(w).Flush()
	}
	attrs := []any{"type", interactionKind(i.Type), "response", what, "status", http.StatusOK, "guild", i.GuildID, "channel", i.ChannelID}
	if u := interactionUser(i); u != nil {
		attrs = append(attrs, "user", u.ID)
	}
	attrs = append(attrs, "latency_ms", msSince(received))
	if err != nil {
		d.log.Warn("interaction response not sent", append(attrs, "error", err)...)
		return false
	}
	d.log.Debug("interaction", attrs...)
	return true
}

// refuse answers a request that is not a valid interaction.
func (d *HTTPDoor) refuse(w http.ResponseWriter, r *http.Request, status int, why error) {
	msg := http.StatusText(status)
	if status == http.StatusUnauthorized {
		msg = "invalid request signature"
	}
	writeText(w, status, msg)
	d.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status, "reason", why.Error(), "remote", r.RemoteAddr)
}

// appOf returns the application ID for an interaction's webhook routes:
// its own, else the configured one.
func (d *HTTPDoor) appOf(i *discordgo.Interaction) string {
	want := d.opts.ApplicationID
	if i.AppID == "" {
		return want
	}
	if want != "" && i.AppID != want && d.warnedApp.CompareAndSwap(false, true) {
		d.log.Error("interactions come from another application than discord.application_id: check the setting (the interactions' application is used)",
			"configured", want, "interaction", i.AppID)
	}
	return i.AppID
}

// threadParent reads the interaction's channel from its body: for a
// thread, it returns the thread's parent channel and true.
func threadParent(body []byte) (string, bool) {
	var v struct {
		Channel *struct {
			Type     discordgo.ChannelType `json:"type"`
			ParentID string                `json:"parent_id"`
		} `json:"channel"`
	}
	if json.Unmarshal(body, &v) != nil || v.Channel == nil {
		return "", false
	}
	switch v.Channel.Type {
	case discordgo.ChannelTypeGuildNewsThread, discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread:
		return v.Channel.ParentID, true
	}
	return "", false
}

// editOriginal edits the deferred response to an interaction. Discord
// answers 404 Unknown Webhook to an edit that arrives before it has taken
// in the deferred response, so that is retried a few times.
func (d *HTTPDoor) editOriginal(ctx context.Context, app, token string, r Reply) error {
	pause := d.editBackoff
	for attempt := 1; ; attempt++ {
		_, err := d.rest.do(ctx, apiCall{method: "PATCH", url: discordgo.EndpointWebhookMessage(app, token, "@original"),
			route: routeEdit, major: tokenDigest(token), body: r.edit(), interaction: true})
		var ae *apiError
		if err == nil || !errors.As(err, &ae) || ae.Status != http.StatusNotFound || ae.Code != discordErrUnknownWebhook ||
			attempt > maxUnknownWebhookRetries || !fits(ctx, pause) {
			return err
		}
		d.log.Debug("edit came before Discord took in the deferred response: retrying", "route", routeEdit, "attempt", attempt)
		if sleep(ctx, pause) != nil {
			return err
		}
		pause *= 2
	}
}

// tellUndelivered tells whoever used a command that its answer could not
// be delivered, with an ephemeral follow-up.
func (d *HTTPDoor) tellUndelivered(app string, i *discordgo.Interaction, user string) {
	ctx, cancel := context.WithTimeout(d.stopCtx, noticeDeadline)
	defer cancel()
	_, err := d.rest.do(ctx, apiCall{method: "POST", url: discordgo.EndpointWebhookToken(app, i.Token),
		route: routeFollowup, major: tokenDigest(i.Token), body: errorReply(msgUndelivered).followup(), interaction: true})
	if err != nil {
		d.log.Warn("asker not told of the lost answer", "channel", i.ChannelID, "user", user, "error", err)
		return
	}
	d.log.Info("asker told of the lost answer", "channel", i.ChannelID, "user", user)
}

// interactionKind names an interaction's type in logs.
func interactionKind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionPing:
		return "ping"
	case discordgo.InteractionApplicationCommand:
		return "command"
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete"
	case discordgo.InteractionMessageComponent:
		return "button"
	}
	return strconv.Itoa(int(t))
}

// msSince returns the milliseconds since t, for logs.
func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}

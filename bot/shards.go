package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Sharding. A bot runs one gateway connection (a shard) per share of its
// servers: Discord sends a server's events to shard (guild_id >> 22) %
// shard_count, and direct messages to shard 0. A Bot runs the shards in
// Options.ShardIDs, one discordgo session each, all feeding the same core;
// several processes, each with its own ShardIDs, serve one bot together.
//
// Discord lets a bot IDENTIFY once per IdentifyWindow (5 s) for each rate
// limit key, shard_id % max_concurrency, and answers an IDENTIFY over that
// with op 9 INVALID_SESSION. discordgo v0.29.0 has no identify queue and
// answers op 9 with an immediate IDENTIFY, so the bot paces its own
// shards (connectShards) and, when sharded, holds an INVALID_SESSION back
// for a window before discordgo sees it (guardConn.invalidPause): Discord
// sends one when another process, or this one's previous run, identified
// with the same key within the window.

// DefaultIdentifyWindow is Discord's identify rate limit window: one
// IDENTIFY per rate limit key (shard ID modulo max_concurrency) every 5 s.
const DefaultIdentifyWindow = 5 * time.Second

// userAgent is the User-Agent of every request to Discord.
const userAgent = "DiscordBot (https://github.com/lectern, 1.0) lectern"

// routeGatewayBot names GET /gateway/bot in logs and errors.
const routeGatewayBot = "GET /gateway/bot"

// maxStartLimitWait bounds a wait for Discord's session start limit to
// reset: it resets daily.
const maxStartLimitWait = 24 * time.Hour

// shard is one gateway connection of the bot: a discordgo session
// identified as shard id of count (without a shard field when count is 1).
type shard struct {
	id, count int
	s         *discordgo.Session
	// log names the shard when the bot is sharded.
	log     *slog.Logger
	threads *threads
	// invalidPause, if set, is how long the connection holds back an op 9
	// INVALID_SESSION; see guardConn.
	invalidPause func() time.Duration

	dialTracker

	// events, if set, is told of the connection going up and down, through
	// link.
	events DiscordObserver
	link   link

	ready     chan struct{} // closed at the first READY
	readyOnce sync.Once
}

// isReady reports whether the shard has received READY.
func (sh *shard) isReady() bool {
	select {
	case <-sh.ready:
		return true
	default:
		return false
	}
}

// shardPlan is what this process runs.
type shardPlan struct {
	count          int   // shards in all; 1 means no sharding
	ids            []int // this process's shards, ascending
	maxConcurrency int   // session_start_limit.max_concurrency; 1 without sharding
}

// sharded reports whether the connections identify with a shard field.
func (p *shardPlan) sharded() bool { return p.count > 1 }

// registers reports whether this process registers the slash commands:
// it does if it runs shard 0.
func (p *shardPlan) registers() bool { return p.ids[0] == 0 }

// checkShardIDs validates Options.ShardIDs for Options.Shards (0: not yet
// known) and returns them sorted, in a new slice.
func checkShardIDs(shards int, ids []int) ([]int, error) {
	out := slices.Clone(ids)
	slices.Sort(out)
	for i, id := range out {
		switch {
		case id < 0:
			return nil, fmt.Errorf("bot: shard ID %d is negative", id)
		case shards > 0 && id >= shards:
			return nil, fmt.Errorf("bot: shard ID %d is out of range: with %d shards, IDs go from 0 to %d", id, shards, shards-1)
		case i > 0 && out[i-1] == id:
			return nil, fmt.Errorf("bot: shard ID %d is listed twice", id)
		}
	}
	return out, nil
}

// gatewayBot is the part of GET /gateway/bot the bot reads.
type gatewayBot struct {
	Shards            int `json:"shards"`
	SessionStartLimit struct {
		Total          int   `json:"total"`
		Remaining      int   `json:"remaining"`
		ResetAfter     int64 `json:"reset_after"` // milliseconds
		MaxConcurrency int   `json:"max_concurrency"`
	} `json:"session_start_limit"`
}

// planShards decides which shards this process runs. With Options.Shards
// 1 it asks Discord nothing, as an unsharded bot always has; otherwise it
// reads GET /gateway/bot (retrying with backoff) for the recommended count
// (with Options.Shards 0), max_concurrency and the session starts left,
// waiting for the daily limit to reset if none are. It returns nil and no
// error when ctx ends first.
func (b *Bot) planShards(ctx context.Context) (*shardPlan, error) {
	if b.opts.Shards == 1 {
		return &shardPlan{count: 1, ids: []int{0}, maxConcurrency: 1}, nil
	}
	recommended := 0 // the last count Discord recommended
	floor := b.opts.RetryBackoff
	for {
		gb, err := b.gatewayBot(ctx)
		if err != nil || gb == nil {
			return nil, err
		}
		count := b.opts.Shards
		if count == 0 {
			count = max(gb.Shards, 1)
			switch {
			case recommended != 0 && count != recommended:
				b.log.Warn("Discord's recommended shard count changed while waiting to connect", "was", recommended, "now", count)
			case len(b.opts.ShardIDs) > 0:
				b.log.Warn("discord.shards is auto while this process runs only some shards: every process must use the same count, and Discord's recommendation may differ between processes started at different times; set discord.shards to a number",
					"recommended", count, "shard_ids", b.opts.ShardIDs)
			default:
				b.log.Info("Discord recommends a shard count", "shards", count)
			}
			recommended = count
		}
		ids := b.opts.ShardIDs
		if len(ids) == 0 {
			ids = make([]int, count)
			for i := range ids {
				ids[i] = i
			}
		} else if last := ids[len(ids)-1]; last >= count {
			return nil, fmt.Errorf("discord.shard_ids lists shard %d, but Discord recommends %d shards (discord.shards is auto): %w", last, count, ErrInvalidShard)
		}
		// Going over the daily limit makes Discord reset the bot's token:
		// better to wait. (A Total of 0 means Discord did not say.)
		limit := gb.SessionStartLimit
		if limit.Total > 0 && limit.Remaining < len(ids) {
			wait := maxStartLimitWait
			if ms := limit.ResetAfter; ms < maxStartLimitWait.Milliseconds() {
				wait = max(time.Duration(ms)*time.Millisecond, floor)
			}
			floor = min(floor*2, maxStartBackoff)
			b.log.Warn("not enough session starts left today for this process's shards: waiting for Discord's daily limit to reset before connecting (every IDENTIFY counts, reconnects that resume do not; going over the limit makes Discord reset the token)",
				"total", limit.Total, "remaining", limit.Remaining, "shards", len(ids), "reset_in", wait.Round(time.Second).String())
			if sleep(ctx, wait) != nil {
				return nil, nil
			}
			continue
		}
		plan := &shardPlan{count: count, ids: ids, maxConcurrency: max(limit.MaxConcurrency, 1)}
		if !plan.sharded() {
			plan.maxConcurrency = 1
			b.log.Info("running one connection, without sharding", "session_starts_remaining", limit.Remaining, "session_starts_total", limit.Total)
			return plan, nil
		}
		b.log.Info("sharding", "shards", count, "shard_ids", ids, "max_concurrency", plan.maxConcurrency,
			"identify_window", b.opts.IdentifyWindow.String(), "session_starts_remaining", limit.Remaining,
			"session_starts_total", limit.Total, "registers_commands", plan.registers())
		return plan, nil
	}
}

// gatewayBot asks Discord for GET /gateway/bot, retrying with backoff as
// connecting does. It returns ErrBadToken at once if Discord refuses the
// token, ErrNotDiscordAPI if the API has no such route, and nil and no error when ctx ends first.
func (b *Bot) gatewayBot(ctx context.Context) (*gatewayBot, error) {
	wait := b.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		gb, err := b.gatewayBotOnce(ctx)
		if err == nil {
			return gb, nil
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		if errors.Is(err, ErrBadToken) || errors.Is(err, ErrNotDiscordAPI) {
			return nil, err
		}
		pause := jitter(wait)
		var rl *rateLimitError
		if errors.As(err, &rl) {
			pause = max(pause, rl.RetryAfter)
		}
		b.log.Warn("cannot connect to Discord: retrying", "attempt", attempt, "retry_in", pause.Round(time.Millisecond).String(), "error", err)
		if sleep(ctx, pause) != nil {
			return nil, nil
		}
		wait = min(wait*2, maxStartBackoff)
	}
}

// gatewayBotOnce makes one request to GET /gateway/bot.
func (b *Bot) gatewayBotOnce(ctx context.Context) (*gatewayBot, error) {
	call := apiCall{method: "GET", url: discordgo.EndpointGatewayBot, route: routeGatewayBot}
	resp, err := b.rest.send(ctx, call, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.status == 401:
		return nil, ErrBadToken
	case resp.status == 404:
		return nil, ErrNotDiscordAPI
	case resp.status == 429:
		rl := b.rest.rateLimited(call.route, call, resp)
		b.rest.logRateLimit(rl, "wait")
		return nil, rl
	case resp.status < 200 || resp.status > 299:
		return nil, resp.apiError(call.route)
	}
	var gb gatewayBot
	if err := json.Unmarshal(resp.body, &gb); err != nil {
		return nil, fmt.Errorf("discord: %s: %w", call.route, err)
	}
	return &gb, nil
}

// newShards makes the sessions of plan's shards: the same token, intents,
// handlers and connection guard for each. Only sharded sessions hold an
// INVALID_SESSION back: an unsharded bot behaves as it always has.
func (b *Bot) newShards(plan *shardPlan) ([]*shard, error) {
	out := make([]*shard, 0, len(plan.ids))
	for _, id := range plan.ids {
		s, err := discordgo.New("Bot " + b.opts.Token)
		if err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
		sh := &shard{id: id, count: plan.count, s: s, log: b.log, threads: b.threads, events: b.opts.Events, ready: make(chan struct{})}
		if plan.sharded() {
			sh.log = b.log.With("shard", id, "shards", plan.count)
			window := b.opts.IdentifyWindow
			sh.invalidPause = func() time.Duration { return window + rand.N(window/5+1) }
		}
		s.Client = b.gwHTTP
		s.UserAgent = userAgent
		s.Identify.Intents = b.intents
		s.ShouldReconnectOnError = true
		s.ShouldRetryOnRateLimit = false
		s.MaxRestRetries = 0
		// Nothing reads discordgo's state cache, and its tracking panics
		// on some payloads.
		s.StateEnabled = false
		s.ShardID, s.ShardCount = id, plan.count
		s.Dialer = sh.gatewayDialer()
		s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { b.onReady(sh, r) })
		s.AddHandler(b.onMessage)
		s.AddHandler(b.onInteraction)
		out = append(out, sh)
	}
	return out, nil
}

// connectShards connects every shard of b.shards and waits for each READY,
// then closes b.ready. Shards with the same rate limit key (ID modulo
// max_concurrency) connect one after another, each IdentifyWindow after
// the READY of the one before: Discord counts an IDENTIFY before it sends
// READY, so the next one is never early. Keys connect in parallel, so at
// most max_concurrency shards identify at once. It reports false when ctx
// ended first, and returns the first error that retrying cannot cure,
// after stopping the other shards' attempts.
func (b *Bot) connectShards(ctx context.Context, plan *shardPlan) (bool, error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	buckets := map[int][]*shard{}
	for _, sh := range b.shards {
		key := sh.id % plan.maxConcurrency
		buckets[key] = append(buckets[key], sh)
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		fatal error
	)
	for _, list := range buckets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, sh := range list {
				if i > 0 {
					sh.log.Info("waiting for the identify window before connecting", "wait", b.opts.IdentifyWindow.String())
					if sleep(cctx, b.opts.IdentifyWindow) != nil {
						return
					}
				}
				ok, err := b.connect(cctx, sh)
				if err != nil {
					switch {
					case plan.sharded() && errors.Is(err, ErrShardingRequired):
						// Each shard may serve at most 2,500 servers.
						err = fmt.Errorf("shard %d of %d has too many servers, use more shards: %w", sh.id, sh.count, err)
					case plan.sharded():
						err = fmt.Errorf("shard %d of %d: %w", sh.id, sh.count, err)
					}
					once.Do(func() { fatal = err })
					cancel()
					return
				}
				if !ok {
					return
				}
			}
		}()
	}
	wg.Wait()
	if fatal != nil {
		return false, fatal
	}
	if ctx.Err() != nil {
		return false, nil
	}
	if plan.sharded() {
		b.log.Info("all shards connected", "shard_ids", plan.ids, "shards", plan.count)
	}
	close(b.ready)
	return true, nil
}

// shardsUp reports whether every shard's connection is up. Call it only
// once b.ready is closed: b.shards is set before.
func (b *Bot) shardsUp() bool {
	for _, sh := range b.shards {
		// discordgo holds the session's lock while it opens or closes the
		// connection (closing takes over a second): that is not connected.
		if !sh.s.TryRLock() {
			return false
		}
		up := sh.s.DataReady
		sh.s.RUnlock()
		if !up {
			return false
		}
	}
	return true
}

// abandonShards ends a start that failed or was cancelled: shards already
// connected are shut down; attempts still running close their sessions
// when they end (see connectOnce).
func (b *Bot) abandonShards() {
	for _, sh := range b.shards {
		if sh.isReady() {
			_ = b.shutdown()
			return
		}
	}
	b.stop()
}

// registerWhenReady registers the slash commands once shard 0 is
// connected, if this process runs it; one process registering is enough.
func (b *Bot) registerWhenReady(ctx context.Context, plan *shardPlan) {
	if !plan.registers() {
		b.log.Info("not registering slash commands: the process running shard 0 does", "shard_ids", plan.ids)
		return
	}
	select {
	case <-b.shards[0].ready:
	case <-ctx.Done():
		return
	}
	if plan.sharded() {
		b.log.Info("this process runs shard 0: registering the slash commands")
	}
	b.registerCommands(ctx)
}

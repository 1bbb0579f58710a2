package discordtest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway rate limit on commands a client sends, as Discord documents: 120
// per connection every 60 seconds, past which the connection is closed with
// 4008. Heartbeats are not counted, so that tests may shrink
// HeartbeatInterval freely (at Discord's interval of about 41s they never
// come near the limit).
const (
	gatewayCommandLimit  = 120
	gatewayCommandWindow = 60 * time.Second
)

// GuildShard returns the shard that receives the events of guildID when the
// bot runs numShards shards: (guild_id >> 22) % num_shards. An ID that is
// not a snowflake counts as 0; numShards below 1 counts as 1.
func GuildShard(guildID string, numShards int) int {
	if numShards < 1 {
		numShards = 1
	}
	id, _ := strconv.ParseUint(guildID, 10, 64)
	return int((id >> 22) % uint64(numShards))
}

// shardGuildBase is the timestamp part of DefaultGuildID, so that IDs from
// ShardGuildID look like the default one.
const shardGuildBase = 1100000000000000100 >> 22

// ShardGuildID returns a guild ID, a well-formed snowflake, that shard
// receives when the bot runs numShards shards; index picks one of many such
// IDs (0, 1, 2, ... give distinct IDs, all distinct from DefaultGuildID).
// It panics unless 0 <= shard < numShards and index >= 0.
func ShardGuildID(shard, numShards, index int) string {
	if numShards < 1 || shard < 0 || shard >= numShards || index < 0 {
		panic(fmt.Sprintf("discordtest: ShardGuildID(%d, %d, %d): need 0 <= shard < numShards, index >= 0", shard, numShards, index))
	}
	n := uint64(numShards)
	ts := (uint64(shardGuildBase)/n+1+uint64(index))*n + uint64(shard)
	low := (n<<11 | uint64(shard)) & (1<<22 - 1) // keeps IDs for other shard counts apart
	return strconv.FormatUint(ts<<22|low, 10)
}

// shardOf returns a session's shard ID and count; a session without a
// shard is shard 0 of 1 and so receives everything.
func (sess *session) shardOf() (id, count int) {
	if sess.shard == nil {
		return 0, 1
	}
	return sess.shard[0], sess.shard[1]
}

// receives reports whether sess gets events of guildID ("" for DMs, which
// go to shard 0 only).
func (sess *session) receives(guildID string) bool {
	id, count := sess.shardOf()
	if guildID == "" {
		return id == 0
	}
	return GuildShard(guildID, count) == id
}

// sessionsFor returns the live sessions that get events of guildID.
func (s *Server) sessionsFor(guildID string) []*session {
	var out []*session
	for _, sess := range s.liveSessions() {
		if sess.receives(guildID) {
			out = append(out, sess)
		}
	}
	return out
}

// routableLocked reports whether some session gets events of guildID.
func (s *Server) routableLocked(guildID string) bool {
	for _, sess := range s.sessions {
		if sess.receives(guildID) {
			return true
		}
	}
	return false
}

// shardGuildsLocked lists the guilds, in configuration order, that sess
// receives.
func (s *Server) shardGuildsLocked(sess *session) []*guildState {
	var out []*guildState
	for _, gid := range s.guildSeq {
		if sess.receives(gid) {
			out = append(out, s.guilds[gid])
		}
	}
	return out
}

// checkShardLocked returns the close code and reason for an IDENTIFY's
// shard field, or 0.
func (s *Server) checkShardLocked(shard *[2]int) (int, string) {
	switch {
	case shard != nil && (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]):
		return closeInvalidShard, "Invalid shard."
	case !s.opts.RequireSharding:
		return 0, ""
	case shard == nil || shard[1] == 1:
		return closeShardingRequired, "Sharding required."
	case shard[1] != s.opts.Shards:
		return closeInvalidShard, "Invalid shard."
	}
	return 0, ""
}

// identifyRateLimitedLocked reports whether an IDENTIFY with rate limit key
// key arriving at now exceeds max_concurrency per IdentifyWindow, and if not
// counts it.
func (s *Server) identifyRateLimitedLocked(key int, now time.Time) bool {
	if s.opts.IdentifyWindow < 0 {
		return false
	}
	if last, ok := s.identifyLast[key]; ok && now.Sub(last) < s.opts.IdentifyWindow {
		return true
	}
	s.identifyLast[key] = now
	return false
}

// SessionInfo describes a gateway session, for assertions.
type SessionInfo struct {
	ID      string
	Intents discordgo.Intent
	// ShardID and NumShards are the IDENTIFY's shard, or 0 and 1 without one.
	ShardID, NumShards int
	// Sharded reports whether the IDENTIFY carried a shard field.
	Sharded bool
	// Connected reports whether a connection currently serves the session;
	// a disconnected session queues events until it is resumed.
	Connected bool
	// Guilds lists the IDs of the guilds the session receives, as listed
	// in its READY.
	Guilds []string
	// Dispatches lists the names of the dispatches the session was sent
	// (or has queued while disconnected), oldest first, READY included:
	// which shard got which event.
	Dispatches []string
}

// Sessions returns the live gateway sessions, ordered by shard ID, then
// session ID.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	out := make([]SessionInfo, 0, len(s.sessions))
	sessions := make([]*session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		id, n := sess.shardOf()
		info := SessionInfo{
			ID:        sess.id,
			Intents:   sess.intents,
			ShardID:   id,
			NumShards: n,
			Sharded:   sess.shard != nil,
			Connected: s.sessionConnectedLocked(sess),
		}
		for _, g := range s.shardGuildsLocked(sess) {
			info.Guilds = append(info.Guilds, g.id)
		}
		out = append(out, info)
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	// A session's lock is taken before the server's elsewhere, never after.
	for i, sess := range sessions {
		sess.mu.Lock()
		out[i].Dispatches = slices.Clone(sess.events)
		sess.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b SessionInfo) int {
		return cmp.Or(cmp.Compare(a.ShardID, b.ShardID), strings.Compare(a.ID, b.ID))
	})
	return out
}

// WaitForShard blocks until a session identified as shard [shardID,
// numShards] has received READY. numShards 1 also matches a session that
// identified without a shard.
func (s *Server) WaitForShard(ctx context.Context, shardID, numShards int) error {
	return s.waitUntil(ctx, fmt.Sprintf("shard [%d, %d]", shardID, numShards), func() bool {
		for _, info := range s.Sessions() {
			if info.ShardID == shardID && info.NumShards == numShards {
				return true
			}
		}
		return false
	})
}

// gatewayBotLocked is the body of GET /gateway/bot.
func (s *Server) gatewayBotLocked(now time.Time) map[string]any {
	remaining := max(s.opts.SessionStartLimit-s.sessionStarts, 0)
	resetAfter := 24 * time.Hour
	if !s.firstStart.IsZero() {
		resetAfter = max(resetAfter-now.Sub(s.firstStart), 0)
	}
	return map[string]any{
		"url":    s.GatewayURL(),
		"shards": s.opts.Shards,
		"session_start_limit": map[string]any{
			"total":           s.opts.SessionStartLimit,
			"remaining":       remaining,
			"reset_after":     resetAfter.Milliseconds(),
			"max_concurrency": s.opts.MaxConcurrency,
		},
	}
}

package bot

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// slowDownReply tells someone over a cooldown on what (questions, button
// clicks) when to try again.
func slowDownReply(wait time.Duration, c *cooldown, what string) Reply {
	secs := int(math.Ceil(wait.Seconds()))
	return errorReply(fmt.Sprintf("Slow down: at most %s every %s. Try again in %ds.", plural(c.n, what), c.window, max(1, secs)))
}

// cooldown allows each user n questions in any window of the given length.
type cooldown struct {
	n      int
	window time.Duration
	mu     sync.Mutex
	users  map[string]*recent
}

type recent struct {
	asked  []time.Time
	warned time.Time
}

func newCooldown(n int, window time.Duration) *cooldown {
	return &cooldown{n: max(n, 1), window: window, users: map[string]*recent{}}
}

// allow records a question by user at now and reports whether it is within
// the limit; if not, wait says how long until it would be.
func (c *cooldown) allow(user string, now time.Time) (wait time.Duration, ok bool) {
	if c.window <= 0 {
		return 0, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) > 10000 {
		c.sweep(now)
	}
	r := c.users[user]
	if r == nil {
		r = &recent{}
		c.users[user] = r
	}
	keep := r.asked[:0]
	for _, t := range r.asked {
		if now.Sub(t) < c.window {
			keep = append(keep, t)
		}
	}
	r.asked = keep
	if len(r.asked) >= c.n {
		return c.window - now.Sub(r.asked[0]), false
	}
	r.asked = append(r.asked, now)
	return 0, true
}

// warnOnce reports whether to tell user to slow down: once per window, so
// that the warnings do not flood a channel.
func (c *cooldown) warnOnce(user string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.users[user]
	if r == nil || now.Sub(r.warned) < c.window {
		return false
	}
	r.warned = now
	return true
}

// sweep forgets users who asked nothing within the window.
func (c *cooldown) sweep(now time.Time) {
	for u, r := range c.users {
		if len(r.asked) == 0 || now.Sub(r.asked[len(r.asked)-1]) >= c.window {
			delete(c.users, u)
		}
	}
}

// feedbackMemory is how long a vote is remembered, so that clicking 👍 or
// 👎 again on the same answer is not logged again.
const feedbackMemory = time.Hour

// feedbackLog remembers the last vote of each user on each answer.
type feedbackLog struct {
	mu    sync.Mutex
	votes map[feedbackKey]feedbackVote
}

type feedbackKey struct {
	user, message string
	sentence      int
}

type feedbackVote struct {
	up bool
	at time.Time
}

func newFeedbackLog() *feedbackLog { return &feedbackLog{votes: map[feedbackKey]feedbackVote{}} }

// record notes a vote and reports whether it is news: the user's first
// vote on that answer within feedbackMemory, or a changed one.
func (f *feedbackLog) record(user, message string, sentence int, up bool, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.votes) > 10000 {
		for k, v := range f.votes {
			if now.Sub(v.at) >= feedbackMemory {
				delete(f.votes, k)
			}
		}
	}
	k := feedbackKey{user, message, sentence}
	old, seen := f.votes[k]
	if seen && now.Sub(old.at) < feedbackMemory && old.up == up {
		return false
	}
	f.votes[k] = feedbackVote{up: up, at: now}
	return true
}

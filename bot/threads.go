package bot

import (
	"bytes"
	"encoding/json"
	"sync"
)

// maxThreads bounds how many threads the gateway remembers; past it, it
// forgets them all and learns again from new ones.
const maxThreads = 100000

// threads remembers the threads the gateway has seen (active ones in
// GUILD_CREATE and THREAD_LIST_SYNC, new ones in THREAD_CREATE), so that a
// message in a thread can say which channel the thread belongs to: a
// MESSAGE_CREATE does not. It learns them from the gateway's reader
// (guardConn.watch), in order, before any later message is handled.
type threads struct {
	mu sync.Mutex
	m  map[string]threadInfo
}

type threadInfo struct {
	parent string // the channel (or forum) the thread is in
	name   string // a forum post's title
}

func newThreads() *threads { return &threads{m: map[string]threadInfo{}} }

// get returns what is known of thread id; ok is false if id is not a
// thread the gateway has seen.
func (t *threads) get(id string) (threadInfo, bool) {
	if t == nil || id == "" {
		return threadInfo{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	info, ok := t.m[id]
	return info, ok
}

// threadWire is the part of a thread channel the bot reads.
type threadWire struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id"`
	Name     string `json:"name"`
}

// watch learns threads from a gateway message. Malformed payloads are left
// to sanitizeGateway: watch ignores what it cannot read.
func (t *threads) watch(msg []byte) {
	if t == nil || !bytes.Contains(msg, []byte(`"THREAD_`)) && !bytes.Contains(msg, []byte(`"GUILD_CREATE"`)) {
		return
	}
	var e struct {
		Op int             `json:"op"`
		T  string          `json:"t"`
		D  json.RawMessage `json:"d"`
	}
	if json.Unmarshal(msg, &e) != nil || e.Op != 0 || !isObject(e.D) {
		return
	}
	switch e.T {
	case "THREAD_CREATE", "THREAD_UPDATE":
		var th threadWire
		if json.Unmarshal(e.D, &th) == nil {
			t.add(th)
		}
	case "GUILD_CREATE", "THREAD_LIST_SYNC":
		var g struct {
			Threads []json.RawMessage `json:"threads"`
		}
		if json.Unmarshal(e.D, &g) != nil {
			return
		}
		for _, raw := range g.Threads {
			var th threadWire
			if json.Unmarshal(raw, &th) == nil {
				t.add(th)
			}
		}
	case "THREAD_DELETE":
		var th threadWire
		if json.Unmarshal(e.D, &th) == nil {
			t.mu.Lock()
			delete(t.m, th.ID)
			t.mu.Unlock()
		}
	}
}

func (t *threads) add(list ...threadWire) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, th := range list {
		if th.ID == "" || th.ParentID == "" {
			continue
		}
		if len(t.m) >= maxThreads {
			clear(t.m)
		}
		t.m[th.ID] = threadInfo{parent: th.ParentID, name: th.Name}
	}
}

package bot

import (
	"testing"
)

func TestThreadsWatch(t *testing.T) {
	th := newThreads()
	for _, msg := range []string{
		`{"op":0,"s":1,"t":"GUILD_CREATE","d":{"id":"g","threads":[{"id":"t1","parent_id":"c1","name":"old"},null,{"id":"t2"},7]}}`,
		`{"op":0,"s":3,"t":"THREAD_CREATE","d":{"id":"t3","parent_id":"f1","name":"Where was he buried?","newly_created":true}}`,
		`{"op":0,"s":4,"t":"THREAD_LIST_SYNC","d":{"guild_id":"g","threads":[{"id":"t4","parent_id":"c2"}]}}`,
		`{"op":0,"s":5,"t":"THREAD_CREATE","d":null}`,
		`{"op":0,"s":6,"t":"THREAD_CREATE","d":[{"id":"x","parent_id":"y"}]}`,
		`{"op":0,"s":7,"t":"THREAD_DELETE","d":{"id":"t4","parent_id":"c2"}}`,
		`{"op":0,"s":8,"t":"MESSAGE_CREATE","d":{"content":"\"THREAD_CREATE\"","id":"m","channel_id":"z"}}`,
		`{"op":0,"s":9,"t":"THREAD_UPDATE","d":{"id":"t3","parent_id":"f1","name":"renamed"}}`,
		`not json "THREAD_`, `null`,
	} {
		th.watch([]byte(msg))
	}
	want := map[string]threadInfo{"t1": {"c1", "old"}, "t3": {"f1", "renamed"}}
	if len(th.m) != len(want) {
		t.Errorf("threads known: %v; want %v", th.m, want)
	}
	for id, w := range want {
		if got, ok := th.get(id); !ok || got != w {
			t.Errorf("get(%s) = %v, %v; want %v", id, got, ok, w)
		}
	}
	var none *threads
	none.watch([]byte(`{"op":0,"t":"THREAD_CREATE","d":{"id":"a","parent_id":"b"}}`))
	if _, ok := none.get("a"); ok {
		t.Error("a nil threads knows a thread")
	}
}

package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestEditOriginalUnknownWebhook: Discord answers 404 Unknown Webhook
// (10015) to an edit of @original that arrives before it has taken in the
// deferred response; the edit is retried a few times, then given up.
func TestEditOriginalUnknownWebhook(t *testing.T) {
	t.Parallel()
	var patches, failures atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "PATCH" || r.URL.Path != "/api/v9/webhooks/1100000000000000001/aW50ZXJhY3Rpb246dG9rZW4/messages/@original" {
			t.Errorf("%s %s; want a PATCH of @original", r.Method, r.URL.Path)
		}
		if r.Header.Get("Authorization") != "" {
			t.Error("an interaction's webhook route was sent an Authorization header")
		}
		if patches.Add(1) <= failures.Load() {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message": "Unknown Webhook", "code": 10015}`)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer ts.Close()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	core, err := NewCore([]Book{{Answerer: historyBook(t)}}, CoreOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewHTTP(core, HTTPOptions{PublicKey: hex.EncodeToString(pub), APIURL: ts.URL + "/api/v9", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	d.editBackoff = time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	edit := func() error {
		return d.editOriginal(ctx, "1100000000000000001", "aW50ZXJhY3Rpb246dG9rZW4", Reply{Content: "answer"})
	}

	failures.Store(2)
	if err := edit(); err != nil || patches.Load() != 3 {
		t.Errorf("edit after two 10015s = %v in %d attempts; want success in 3", err, patches.Load())
	}
	patches.Store(0)
	failures.Store(100)
	var ae *apiError
	if err := edit(); !errors.As(err, &ae) || ae.Code != 10015 || patches.Load() != maxUnknownWebhookRetries+1 {
		t.Errorf("edit always meeting 10015 = %v in %d attempts; want 10015 after %d", err, patches.Load(), maxUnknownWebhookRetries+1)
	}
}

func TestThreadParent(t *testing.T) {
	for _, tt := range []struct {
		body   string
		parent string
		thread bool
	}{
		{`{"channel": {"id": "2", "type": 11, "parent_id": "1"}}`, "1", true},
		{`{"channel": {"id": "2", "type": 12, "parent_id": "1"}}`, "1", true},
		{`{"channel": {"id": "2", "type": 10, "parent_id": "1"}}`, "1", true},
		{`{"channel": {"id": "2", "type": 0, "parent_id": "1"}}`, "", false},
		{`{"channel": null}`, "", false},
		{`{}`, "", false},
		{`{"channel": "x"}`, "", false},
	} {
		parent, thread := threadParent([]byte(tt.body))
		if parent != tt.parent || thread != tt.thread {
			t.Errorf("threadParent(%s) = %q, %v; want %q, %v", tt.body, parent, thread, tt.parent, tt.thread)
		}
	}
}

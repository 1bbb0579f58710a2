package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

// testTimeout bounds every wait. It is generous because the machine running
// the tests may be heavily loaded; passing tests never wait this long.
const testTimeout = 15 * time.Second

// rewriteTransport sends requests for https://discord.com to the test server.
type rewriteTransport struct {
	target *url.URL
}

func (t rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "discord.com" {
		r = r.Clone(r.Context())
		r.URL.Scheme = t.target.Scheme
		r.URL.Host = t.target.Host
		r.Host = t.target.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

func clientFor(srv *discordtest.Server) *http.Client {
	u, err := url.Parse(srv.URL())
	if err != nil {
		panic(err)
	}
	return &http.Client{Transport: rewriteTransport{target: u}, Timeout: 10 * time.Second}
}

// newSession returns a discordgo session pointed at srv, not yet opened. It
// is closed when the test ends.
func newSession(t *testing.T, srv *discordtest.Server, token string, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	s.Client = clientFor(srv)
	s.Identify.Intents = intents
	if os.Getenv("DGDEBUG") != "" {
		s.LogLevel = discordgo.LogDebug
	}
	t.Cleanup(func() { closeSession(s, srv) })
	return s
}

// waitHeartbeating waits (up to 10s) until discordgo's heartbeat goroutine
// for the current connection has sent its first heartbeat, which it marks by
// setting DataReady. discordgo v0.29.0 only checks for a closed connection at
// the end of each heartbeat iteration; closing the connection before the
// first one (by Close, op 7 or a dropped socket) makes that goroutine write
// on the dead connection afterwards and start a second, spurious reconnect.
// discordgo offers no signal for this, so poll.
func waitHeartbeating(s *discordgo.Session) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.RLock()
		ready := s.DataReady
		s.RUnlock()
		if ready {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// sessionClosers tracks sessions being closed in the background.
var sessionClosers sync.WaitGroup

func TestMain(m *testing.M) {
	code := m.Run()
	sessionClosers.Wait()
	os.Exit(code)
}

// closeSession closes s without waiting out the second discordgo's Close
// sleeps after sending its close frame. It returns once the server has seen
// the close frame: from then on discordgo holds its session lock until the
// close is done, so the server may shut down without discordgo treating that
// as a network failure and reconnecting.
func closeSession(s *discordgo.Session, srv *discordtest.Server) {
	if st := srv.Stats(); st.Identifies+st.Resumes > 0 {
		waitHeartbeating(s)
	}
	sessionClosers.Add(1)
	go func() {
		defer sessionClosers.Done()
		_ = s.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	_, _ = srv.WaitForStats(ctx, func(st discordtest.Stats) bool { return st.OpenConnections == 0 })
}

// openSession opens a session and waits for its READY handler to run.
func openSession(t *testing.T, srv *discordtest.Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	s := newSession(t, srv, srv.Token(), intents)
	ready := make(chan *discordgo.Ready, 1)
	s.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := s.Open(); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	select {
	case <-ready:
	case <-time.After(testTimeout):
		t.Fatal("no READY in time")
	}
	if !waitHeartbeating(s) {
		t.Fatal("discordgo sent no heartbeat within 10s")
	}
	return s
}

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		var zero T
		t.Fatalf("no %s within %v", what, testTimeout)
		return zero
	}
}

// restCode returns the HTTP status and Discord error code of a discordgo error.
func restCode(err error) (status, code int) {
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		return 0, 0
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

// rawCall makes a REST call without discordgo and returns status and body.
func rawCall(t *testing.T, srv *discordtest.Server, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.APIURL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// registerCommands registers lectern-like global commands through discordgo.
func registerCommands(t *testing.T, s *discordgo.Session, srv *discordtest.Server) []*discordgo.ApplicationCommand {
	t.Helper()
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true},
		}},
		{Name: "topic", Description: "Read about a topic", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "Topic", Required: true, Autocomplete: true},
		}},
		{Name: "help", Description: "How to use the bot"},
	}
	got, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", cmds)
	if err != nil {
		t.Fatalf("ApplicationCommandBulkOverwrite: %v", err)
	}
	return got
}

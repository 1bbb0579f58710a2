package feedback

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"lectern/bot"
	"lectern/internal/regular"
)

// KeySuffix names the file, beside a feedback file, that holds the secret
// key its IDs are hashed with: feedback.jsonl's is feedback.jsonl.key.
const KeySuffix = ".key"

// keyBytes is the size of a new key; a key file must hold at least
// minKeyBytes.
const (
	keyBytes    = 32
	minKeyBytes = 16
	maxKeyFile  = 4096
)

// Store appends feedback to a JSON Lines file. It is a bot.Observer: give
// it to bot.CoreOptions.Observers. It is safe for concurrent use.
//
// Each line is written with one write call on a file opened for appending,
// so that lines never interleave, even from several processes. The file
// is created with the usual mode under the umask (0666 &^ umask), so that
// an administrator may let another account read it; the key file beside
// it is created 0600. Before each write the Store checks that the path
// still names the file it has open, and opens it again if not: logrotate
// may rename the file away (its "create" mode) or truncate it in place
// ("copytruncate"), and a deleted file is created again.
//
// Users and servers are recorded as HMAC-SHA256 of their Discord IDs under
// the installation's secret key (see KeySuffix), cut to 16 hex digits: the
// same user has the same hash in every line, and nobody without the key
// can tell whose it is.
type Store struct {
	path string
	key  []byte
	log  *slog.Logger

	mu     sync.Mutex
	f      *os.File
	closed bool
}

// Open opens (creating it if need be) the feedback file at path, and its
// key file (creating a new random key if there is none). The path must
// name a regular file, or nothing yet in a folder that exists: a folder,
// FIFO, socket or device is refused. Failures to write later are logged
// to log (nil: slog.Default()), never returned.
func Open(path string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	f, err := regular.OpenFile(path, appendFlags, 0o666)
	if err != nil {
		return nil, err
	}
	key, err := loadKey(path + KeySuffix)
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi, err := os.Stat(path + KeySuffix); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("feedback: the key file can be read by other accounts: anyone who can read it can tell whose hashes are whose; chmod 600 it", "path", path+KeySuffix)
	}
	return &Store{path: path, key: key, log: log, f: f}, nil
}

// appendFlags open the feedback file to append to, creating it.
const appendFlags = os.O_WRONLY | os.O_APPEND | os.O_CREATE

// loadKey reads the key file at path, or creates it with a new random key.
func loadKey(path string) ([]byte, error) {
	data, err := regular.ReadFile(path, maxKeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(path); err != nil {
			return nil, fmt.Errorf("create the feedback key %s: %w", path, err)
		}
		data, err = regular.ReadFile(path, maxKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("feedback key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < minKeyBytes {
		return nil, fmt.Errorf("feedback key %s: want at least %d bytes in hex on one line; remove the file to make a new key (the users' hashes then change)", path, minKeyBytes)
	}
	return key, nil
}

// createKey writes a new random key to path, unless a key is there
// already: written beside it and linked into place, so that two processes
// starting at once agree on one key and never read half of one.
func createKey(path string) error {
	var key [keyBytes]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*") // 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(key[:]) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if err2 := tmp.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links here: fall back on creating it exclusively.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = f.WriteString(hex.EncodeToString(key[:]) + "\n")
		if err2 := f.Close(); err == nil {
			err = err2
		}
		return err
	}
	return nil
}

// Hash returns the keyed hash a Discord ID is recorded as: 16 hex digits,
// or "" for an empty ID.
func (s *Store) Hash(id string) string {
	if id == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// Asked records a question the text did not answer (bot.OutcomeNotFound).
// Other outcomes, and "More results" finding no more, are not recorded.
func (s *Store) Asked(a bot.Asked) {
	if a.Outcome != bot.OutcomeNotFound || a.Via == "more" {
		return
	}
	s.write(Entry{Time: a.Time.UTC(), Type: TypeNotFound, Question: a.Question, Book: a.Book,
		Via: a.Via, User: s.Hash(a.User), Server: s.Hash(a.Guild), Door: a.Door})
}

// CooledDown does nothing: cooldowns are not feedback.
func (s *Store) CooledDown(door, what string) {}

// Voted records a 👍 or 👎.
func (s *Store) Voted(v bot.Vote) {
	e := Entry{Time: v.Time.UTC(), Type: TypeVote, Vote: VoteDown, Question: v.Question, Book: v.Book,
		Text: v.Text, User: s.Hash(v.User), Server: s.Hash(v.Guild), Door: v.Door}
	if v.Up {
		e.Vote = VoteUp
	}
	if v.Text != "" {
		c, id := v.Citation, v.Sentence
		e.Citation, e.Sentence = &c, &id
	}
	s.write(e)
}

// write appends e as one line. Failures are logged.
func (s *Store) write(e Entry) {
	line, err := json.Marshal(e)
	if err != nil {
		s.log.Error("feedback: cannot encode an entry", "error", err)
		return
	}
	line = append(line, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if err := s.reopen(); err != nil {
		s.log.Error("feedback: cannot open the feedback file; this entry is lost", "path", s.path, "error", err)
		return
	}
	if _, err := s.f.Write(line); err != nil {
		s.log.Error("feedback: cannot write to the feedback file; this entry is lost", "path", s.path, "error", err)
	}
}

// reopen opens the path again when it no longer names the open file
// (rotated away or deleted).
func (s *Store) reopen() error {
	now, err := os.Stat(s.path)
	switch {
	case err == nil && s.f != nil:
		if open, err := s.f.Stat(); err == nil && os.SameFile(now, open) {
			return nil
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		if s.f != nil {
			return nil // cannot tell: keep writing to the file open
		}
		return err
	}
	f, err := regular.OpenFile(s.path, appendFlags, 0o666)
	if err != nil {
		return err
	}
	if s.f != nil {
		s.f.Close()
	}
	s.f = f
	return nil
}

// Close closes the file; later entries are dropped.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}

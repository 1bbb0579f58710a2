package bot

import (
	"context"
	"regexp"
	"strings"
	"time"

	"lectern/retrieval"
)

// contextBytes is how much of a paragraph "Show context" shows.
const contextBytes = 3500

// message answers a message that asks the bot something: a direct
// message, a mention (in a channel or a thread), any message in a
// configured channel, or a new post in a configured forum.
func (c *Core) message(req Request, start time.Time) (Response, error) {
	q := stripMentions(req.Text)
	if req.ForumPost && req.Title != "" {
		q = stripMentions(req.Title + "\n" + req.Text)
	}
	via := ""
	switch {
	case req.Bot:
		return Response{}, nil
	case req.DM:
		via = "dm"
	case req.Mentioned && req.Thread:
		via = "thread"
	case req.Mentioned:
		via = "mention"
	case req.ForumPost && req.Parent != "" && c.forums[req.Parent]:
		via = "forum"
	case c.channels[req.Channel] && q != "":
		via = "channel"
	default:
		return Response{}, nil
	}
	if wait, ok := c.questions.allow(req.User, start); !ok {
		return Response{}, &slowDown{wait: wait, c: c.questions, what: "question", quiet: !c.questions.warnOnce(req.User, start)}
	}
	if q == "" {
		return Response{}, errAskHint
	}
	b := c.route(req)
	ans, err := b.a.Answer(q, retrieval.Request{Top: c.results})
	if err := c.logQuestion(req, via, b, q, ans, start, err); err != nil {
		return Response{}, err
	}
	return Response{Action: NewMessage, Reply: c.answerReply(b, q, ans)}, nil
}

// mentionRE matches Discord's mention syntax: users, roles, channels,
// slash commands and custom emoji, plus @everyone and @here.
var mentionRE = regexp.MustCompile(`<(@[!&]?|#)\d+>|</[^:>]+:\d+>|<a?:\w+:\d+>|@(everyone|here)\b`)

// stripMentions removes mentions from a question: they are not part of it.
func stripMentions(s string) string {
	return strings.Join(strings.Fields(mentionRE.ReplaceAllString(s, " ")), " ")
}

// command answers a slash command.
func (c *Core) command(req Request, start time.Time) (Response, error) {
	b, err := c.choose(req)
	if err != nil {
		return Response{}, err
	}
	switch req.Command {
	case "ask":
		q := req.Options["question"]
		private := req.Options["public"] != "true"
		return c.search(req, b, "ask", q, private, start, func() (retrieval.Answer, error) {
			return b.a.Answer(q, retrieval.Request{Top: c.results})
		})
	case "topic":
		name := req.Options["name"]
		return c.search(req, b, "topic", name, true, start, func() (retrieval.Answer, error) {
			return b.a.TopicAnswer(name, retrieval.Request{Top: c.results})
		})
	case "topics":
		r := c.topicsReply(b, 0)
		r.Ephemeral = true
		return Response{Action: NewMessage, Reply: r}, nil
	case "source":
		r := c.sourceReply(b, 0)
		r.Ephemeral = true
		return Response{Action: NewMessage, Reply: r}, nil
	case "help":
		return Response{Action: NewMessage, Reply: c.helpReply(req.Door)}, nil
	}
	return Response{}, &userError{unknownCommand(req.Command)}
}

// commandNameRE matches a slash command's name as Discord allows it.
var commandNameRE = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

func unknownCommand(name string) string {
	if !commandNameRE.MatchString(name) {
		return "Unknown command: try `/help`."
	}
	return "Unknown command `/" + name + "`: try `/help`."
}

// search checks a question, counts it against the asker's cooldown and
// returns a Deferrable response whose reply answer makes.
func (c *Core) search(req Request, b *book, via, q string, private bool, start time.Time, answer func() (retrieval.Answer, error)) (Response, error) {
	if err := retrieval.CheckQuestion(q); err != nil {
		return Response{}, c.logQuestion(req, via, b, q, retrieval.Answer{}, start, err)
	}
	if wait, ok := c.questions.allow(req.User, start); !ok {
		return Response{}, &slowDown{wait: wait, c: c.questions, what: "question"}
	}
	return c.deferred(req, private, func(context.Context) (Response, error) {
		ans, err := answer()
		if err := c.logQuestion(req, via, b, q, ans, start, err); err != nil {
			return Response{}, err
		}
		r := c.answerReply(b, q, ans)
		r.Ephemeral = private
		return Response{Action: NewMessage, Reply: r}, nil
	}), nil
}

// route returns the book for a request without a book option: the
// channel's, the thread's parent channel's, the server's, or the first.
func (c *Core) route(req Request) *book {
	for _, name := range []string{c.routes.Channels[req.Channel], c.routes.Channels[req.Parent], c.routes.Guilds[req.Guild]} {
		if b := c.s().byName[strings.ToLower(name)]; name != "" && b != nil {
			return b
		}
	}
	return c.s().books[0]
}

// choose returns the book a command asks: the one its "book" option names,
// else the routed one.
func (c *Core) choose(req Request) (*book, error) {
	name := strings.TrimSpace(req.Options["book"])
	if name == "" || !c.s().multi {
		return c.route(req), nil
	}
	if b := c.s().byName[strings.ToLower(name)]; b != nil {
		return b, nil
	}
	return nil, &userError{"I have no book called “" + fitEscaped(oneLine(name), maxBookName) + "”. My books: " +
		fitEscaped(c.bookNames(), 1500) + "."}
}

// autocomplete offers the topics matching what is typed in /topic's name,
// or the books matching /ask's book.
func (c *Core) autocomplete(req Request) Response {
	typed := req.Options[req.Focused]
	resp := Response{Action: Choices, Choices: []Choice{}}
	switch {
	case req.Command == "ask" && req.Focused == "book":
		resp.Choices = c.bookChoices(typed)
	case req.Command == "topic" && req.Focused == "name":
		resp.Choices = choices(c.route(req).a.FindTopics(typed, maxChoices))
	}
	return resp
}

// bookChoices returns the books whose names start with typed, then those
// holding it, ignoring case.
func (c *Core) bookChoices(typed string) []Choice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var first, then []Choice
	for _, b := range c.s().books {
		name := strings.ToLower(b.name)
		switch {
		case strings.HasPrefix(name, typed):
			first = append(first, Choice{Name: b.name, Value: b.name})
		case strings.Contains(name, typed):
			then = append(then, Choice{Name: b.name, Value: b.name})
		}
	}
	out := append(append([]Choice{}, first...), then...)
	return out[:min(len(out), maxChoices)]
}

// component answers a click on one of the bot's buttons. Each carries its
// state in its custom_id (see customid.go).
func (c *Core) component(req Request, now time.Time) (Response, error) {
	if wait, ok := c.buttons.allow(req.User, now); !ok {
		return Response{}, &slowDown{wait: wait, c: c.buttons, what: "button click"}
	}
	id, err := parseID(req.CustomID)
	if err != nil {
		return Response{}, errStaleButton
	}
	switch v := id.(type) {
	case moreID:
		b := c.s().byFP[v.FP]
		q := v.Question
		if q == "" {
			q = questionOfTitle(req.MessageTitle)
		}
		if b == nil || q == "" {
			return Response{}, errStaleButton
		}
		if wait, ok := c.questions.allow(req.User, now); !ok {
			return Response{}, &slowDown{wait: wait, c: c.questions, what: "question"}
		}
		ans, err := b.a.Answer(q, retrieval.Request{Top: c.results, Offset: v.Offset})
		if err := c.logQuestion(req, "more", b, q, ans, now, err); err != nil {
			return Response{}, err
		}
		if len(ans.Results) == 0 {
			return Response{}, errNoMore
		}
		r := c.answerReply(b, q, ans)
		r.Ephemeral = true
		return Response{Action: NewMessage, Reply: r}, nil
	case contextID:
		b := c.s().byFP[v.FP]
		if b == nil {
			return Response{}, errStaleButton
		}
		text, cit, err := b.a.Context(v.Sentence, contextBytes)
		if err != nil {
			return Response{}, errStaleButton // a sentence this text does not have
		}
		return Response{Action: NewMessage, Reply: c.contextReply(b, text, cit)}, nil
	case feedbackID:
		vote := "down"
		if v.Up {
			vote = "up"
		}
		if c.feedback.record(req.User, req.MessageID, v.Sentence, v.Up, now) {
			b := c.s().byFP[v.FP]
			attrs := []any{"door", req.Door, "vote", vote, "sentence", v.Sentence, "corpus", v.FP, "current_corpus", b != nil}
			if b != nil && b.name != "" {
				attrs = append(attrs, "book", b.name)
			}
			q := questionOfTitle(req.MessageTitle)
			c.log.Info("feedback", append(attrs, "question", q,
				"guild", req.Guild, "channel", req.Channel, "user", req.User)...)
			vt := Vote{Time: now, Door: req.Door, Up: v.Up, Question: q, Sentence: v.Sentence,
				Guild: req.Guild, Channel: req.Channel, User: req.User}
			if b != nil {
				vt.Book = b.name
				if cp := b.a.Corpus(); v.Sentence >= 0 && v.Sentence < cp.Len() {
					vt.Citation, vt.Text = cp.Citation(v.Sentence), cp.Text(v.Sentence)
				}
			}
			c.observe(func(o Observer) { o.Voted(vt) })
		}
		return Response{Action: NewMessage, Reply: errorReply(msgThanks)}, nil
	case topicsID:
		b := c.pageBook(v.FP)
		if b == nil {
			return Response{}, errStaleButton
		}
		return Response{Action: UpdateMessage, Reply: c.topicsReply(b, v.Page)}, nil
	case sourceID:
		b := c.pageBook(v.FP)
		if b == nil {
			return Response{}, errStaleButton
		}
		return Response{Action: UpdateMessage, Reply: c.sourceReply(b, v.Page)}, nil
	}
	return Response{}, errStaleButton
}

// pageBook returns the book of a page button: the one with fingerprint fp,
// or the first book for a button made before pages carried one.
func (c *Core) pageBook(fp string) *book {
	if fp == "" {
		return c.s().books[0]
	}
	return c.s().byFP[fp]
}

// questionOfTitle reads a question back from an answer's title, which
// shows it escaped and perhaps cut short.
func questionOfTitle(title string) string {
	return strings.TrimSpace(unescapeMarkdown(strings.TrimSuffix(title, "…")))
}

// unescapeMarkdown undoes escapeMarkdown.
func unescapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "@\u200b", "@")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

package discordtest_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

// Example sends a message through discordgo's REST client and inspects what
// the server recorded. Gateway use is shown in the package documentation.
func Example() {
	srv := discordtest.NewServer(nil, discordtest.Options{})
	defer srv.Close()

	s, _ := discordgo.New("Bot " + srv.Token())
	target, _ := url.Parse(srv.URL())
	s.Client = &http.Client{Transport: rewriteTransport{target: target}}

	_, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &discordgo.MessageSend{
		Content:         "Hello <@42>",
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	})
	fmt.Println("error:", err)

	req := srv.Requests()[0]
	fmt.Println(req.Route, req.Status)
	var body struct {
		AllowedMentions any `json:"allowed_mentions"`
	}
	_ = req.Decode(&body)
	fmt.Println("allowed_mentions:", body.AllowedMentions)

	m := srv.Messages()[0]
	fmt.Printf("%q mentions %d users\n", m.Content, len(m.Mentions))

	_, err = s.ChannelMessageSend(discordtest.DefaultChannelID, "")
	fmt.Println(err)
	// Output:
	// error: <nil>
	// POST /channels/{channel_id}/messages 200
	// allowed_mentions: map[parse:[] replied_user:false]
	// "Hello <@42>" mentions 0 users
	// HTTP 400 Bad Request, {"code":50006,"message":"Cannot send an empty message"}
}

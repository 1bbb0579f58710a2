package bot

// Connected reports whether the bot is connected to Discord's gateway: it
// has had READY, it is not shutting down, and its connection is up. While
// discordgo opens, closes or re-opens the connection (it reconnects by
// itself after a drop), Connected reports false. It never blocks, so a
// readiness check may call it as often as it likes.
func (b *Bot) Connected() bool {
	select {
	case <-b.ready:
	default:
		return false
	}
	if b.inflight.isClosing() {
		return false
	}
	return b.shardsUp()
}

// ApplicationID returns the application's ID as Discord's READY gave it,
// or "" before the bot has connected.
func (b *Bot) ApplicationID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appID
}

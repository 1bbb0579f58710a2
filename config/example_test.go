package config_test

import (
	"fmt"
	"strings"

	"lectern/config"
)

func ExampleLoad() {
	cfg, err := config.Load(config.Options{File: "testdata/lectern.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Retrieval.Top, cfg.Discord.Channels, cfg.Discord.CooldownWindow)

	// Dump names the file by its absolute path, which differs from machine
	// to machine; shorten it.
	fmt.Print(strings.ReplaceAll(cfg.Dump(), cfg.File, "testdata/lectern.yaml"))
	// Output:
	// 5 [111 222] 1m0s
	// # configuration file: testdata/lectern.yaml
	// corpus: "notes/"                               # testdata/lectern.yaml
	// corpus.watch: false                            # default
	// index: ""                                      # default
	// language: "auto"                               # default
	// corpora: []                                    # default
	// limits.max_file_size: 512MiB                   # default
	// limits.max_corpus_size: 1GiB                   # default
	// retrieval.k1: 0.9                              # default
	// retrieval.b: 0.4                               # default
	// retrieval.top: 5                               # testdata/lectern.yaml
	// retrieval.min_coverage: 0.3                    # default
	// retrieval.excerpt_max: 700                     # default
	// retrieval.fuzzy: true                          # default
	// discord.token: ""                              # default
	// discord.guild_id: ""                           # default
	// discord.api_url: "https://discord.com/api/v9"  # default
	// discord.channels: ["111", "222"]               # testdata/lectern.yaml
	// discord.forums: []                             # default
	// discord.results: 1                             # default
	// discord.application_id: ""                     # default
	// discord.public_key: ""                         # default
	// discord.shards: 1                              # default
	// discord.shard_ids: []                          # default
	// discord.cooldown.questions: 5                  # default
	// discord.cooldown.window: 1m0s                  # testdata/lectern.yaml
	// http.listen: ""                                # default
	// metrics.listen: ""                             # default
	// feedback.path: ""                              # default
	// log.level: "info"                              # default
	// log.format: "json"                             # testdata/lectern.yaml
}

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lectern/bot"
)

func (a *app) healthcheckCmd() *cobra.Command {
	var target string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Check that the lectern serve on this machine is ready (for container health checks)",
		Long: `healthcheck asks the lectern serve running on this machine whether it is
ready: GET /readyz on its HTTP listener (http.listen, such as :8080, asked
at 127.0.0.1) or, without one, on its metrics listener (metrics.listen),
which answers 200 once the text is loaded and, with a bot
token, the gateway is connected. It prints the answer and exits 0 when
ready, 1 when not, so that a container's HEALTHCHECK can run it in an image
without curl. --url asks another URL instead, such as
http://127.0.0.1:8080/healthz (alive, even while the text loads).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if target == "" {
				if err := a.load(cmd, nil); err != nil {
					return err
				}
				listen := a.cfg.HTTP.Listen
				if listen == "" {
					listen = a.cfg.Metrics.Listen
				}
				if listen == "" {
					return usagef("healthcheck asks serve's HTTP listener or its metrics listener, and neither http.listen nor metrics.listen is set: set LECTERN_METRICS_LISTEN (such as :9090), or give --url")
				}
				u, err := readyURL(listen)
				if err != nil {
					return usageError{err}
				}
				target = u
			}
			return check(cmd.Context(), a.stdout, target, timeout)
		},
	}
	cmd.Flags().StringVar(&target, "url", "", "the URL to GET (default: /readyz on http.listen, else metrics.listen)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}

// readyURL is the URL of /readyz on the HTTP listener at listen, asked on
// the loopback interface when it listens on all of them.
func readyURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("http.listen %q is not an address such as :8080: %w", listen, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + bot.PathReadyz, nil
}

// check GETs target and reports its answer: nil for a 200.
func check(ctx context.Context, stdout io.Writer, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usagef("--url %q: %v", target, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	answer := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready (GET %s: %s): %s", target, resp.Status, strings.TrimPrefix(answer, "not ready: "))
	}
	fmt.Fprintf(stdout, "ready: GET %s: %s\n", target, answer)
	return nil
}

package main

import (
	"bufio"
	"context"
	"io"
)

// line is one line read by readLines.
type line struct {
	text    string
	tooLong bool
	err     error
}

// lines reads r one line at a time in the background, so that a command
// waiting for the next line (at chat's prompt, or in a batch) still stops
// at once when ctx is done. Lines longer than max are cut as readLine does.
type lines struct {
	ctx context.Context
	ch  chan line
}

func readLines(ctx context.Context, r io.Reader, max int) *lines {
	l := &lines{ctx: ctx, ch: make(chan line)}
	go func() {
		defer close(l.ch)
		in := bufio.NewReaderSize(r, 64<<10)
		for {
			text, tooLong, err := readLine(in, max)
			select {
			case l.ch <- line{text, tooLong, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return l
}

// next returns the next line, io.EOF after the last, or ctx's error once
// it is done.
func (l *lines) next() (text string, tooLong bool, err error) {
	select {
	case ln, ok := <-l.ch:
		if !ok {
			return "", false, io.EOF
		}
		return ln.text, ln.tooLong, ln.err
	case <-l.ctx.Done():
		return "", false, l.ctx.Err()
	}
}

//go:build !unix

package retrieval_test

import "errors"

func mkfifo(path string) error { return errors.New("no FIFOs on this system") }

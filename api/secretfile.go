package api

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSecretFileBytes bounds a file that holds a credential (token_file, a
// GitHub App's private key, proxy_credentials_file). A token is under 100
// bytes and a 4096-bit PEM key under 4 KiB: anything larger is not a
// secret but a mistake, and would be sent as a header of that size.
const MaxSecretFileBytes = 64 << 10

// ReadSecretFile reads a credential file: a regular file (a symlink counts
// by what it resolves to) of at most MaxSecretFileBytes. A FIFO, a device
// such as /dev/zero, a directory or a larger file is refused with an error
// that names the key and the path, never the content. The file is opened
// without blocking, so a FIFO with no writer cannot hold a refresh.
func ReadSecretFile(key, path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read %s: %w", key, path, unwrapPath(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read %s: %w", key, path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %s is %s, not a regular file: it must be a file that holds the secret", key, path, fileKind(fi.Mode()))
	}
	if fi.Size() > MaxSecretFileBytes {
		return nil, fmt.Errorf("%s: %s is %d bytes, more than the %d a secret file may have: is it the right file?", key, path, fi.Size(), MaxSecretFileBytes)
	}
	// The file may grow between Stat and Read: never read past the limit.
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read %s: %w", key, path, unwrapPath(err))
	}
	if len(b) > MaxSecretFileBytes {
		return nil, fmt.Errorf("%s: %s is more than the %d bytes a secret file may have: is it the right file?", key, path, MaxSecretFileBytes)
	}
	return b, nil
}

// unwrapPath drops the *PathError's own copy of the path, which the caller
// names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

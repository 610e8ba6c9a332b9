package api

import "strings"

// MaxResponseHeaderBytes caps the headers of an answer (net/http's default
// is 10 MB). GitHub's and GitLab's headers, Link and rate limits included,
// are a few KiB; a proxy's cookies and policies add a few more. With the
// default 10 requests in flight, headers of up to 10 MB each would take the
// exporter's memory near a gigabyte; at this cap they cost a few MiB.
const MaxResponseHeaderBytes = 256 << 10

// HeaderOverflow reports whether the answer was refused because its headers
// were larger than MaxResponseHeaderBytes. Such an answer is not retried:
// the same headers would come again.
func (e *Error) HeaderOverflow() bool {
	if e == nil || e.Err == nil {
		return false
	}
	// net/http and its HTTP/2 transport export no error value for this.
	msg := e.Err.Error()
	return strings.Contains(msg, "server response headers exceeded") ||
		strings.Contains(msg, "response header list larger than advertised limit")
}

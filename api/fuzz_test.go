package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// fixtureScalars returns every scalar of every JSON fixture, as raw JSON:
// the values the lenient types meet in the vendors' own examples.
func fixtureScalars(t testing.TB) [][]byte {
	var out [][]byte
	names, _ := filepath.Glob("../internal/simulator/fixtures/*.json")
	for _, name := range names {
		dec := json.NewDecoder(bytes.NewReader(simulator.Fixture(filepath.Base(name))))
		dec.UseNumber()
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if _, delim := tok.(json.Delim); delim {
				continue
			}
			b, _ := json.Marshal(tok)
			out = append(out, b)
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d scalars in the fixtures", len(out))
	}
	return out
}

func FuzzLenient(f *testing.F) {
	for _, s := range fixtureScalars(f) {
		f.Add(s)
	}
	for _, s := range []string{`null`, `""`, `"unlimited"`, `1e400`, `"NaN"`, `-0`, `"2016/02/06 12:41:52 -0600"`, `1700000000`, `"  true "`, `["a", 1, null]`, `{"x": 1}`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Number
		if err := n.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		if n.Valid && (math.IsNaN(n.Value) || math.IsInf(n.Value, 0) || n.Word != "") {
			t.Fatalf("Number %+v from %q", n, b)
		}
		var v Bool
		if err := v.UnmarshalJSON(b); err != nil || (!v.Valid && v.Value) {
			t.Fatalf("Bool %+v %v", v, err)
		}
		var s String
		if err := s.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		var l Strings
		if err := l.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		var tm Time
		if err := tm.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		if tm.Valid && (math.IsNaN(tm.Unix()) || tm.IsZero()) {
			t.Fatalf("Time %+v from %q", tm, b)
		}
		// Inside a document, none of them may fail the decode either.
		doc := append(append([]byte(`{"n":`), b...), '}')
		if json.Valid(doc) {
			var x struct {
				N Number
				B Bool
				S String
				L Strings
				T Time
			}
			for _, key := range []string{"N", "B", "S", "L", "T"} {
				d := bytes.Replace(doc, []byte(`"n"`), []byte(`"`+key+`"`), 1)
				if err := json.Unmarshal(d, &x); err != nil {
					t.Fatalf("%s in %s: %v", key, d, err)
				}
			}
		}
	})
}

func FuzzParseLink(f *testing.F) {
	f.Add(`<https://api.github.com/enterprises/e/consumed-licenses?page=2&per_page=100>; rel="next", <https://api.github.com/enterprises/e/consumed-licenses?page=200&per_page=100>; rel="last"`)
	f.Add(`<https://api.github.com/x?page=1&per_page=100>; rel="first", <https://api.github.com/x?page=3&per_page=100>; rel="prev"`)
	f.Add(`</relative?page=2>; rel="next last"`)
	f.Add(`<>; rel=next`)
	f.Add(`<https://gitlab.example.com/api/v4/projects?id_after=42&pagination=keyset>; rel="next"`)
	f.Add(`garbage, <, >; rel`)
	base, _ := url.Parse("https://api.github.com/enterprises/e/consumed-licenses?per_page=100")
	f.Fuzz(func(t *testing.T, h string) {
		links := parseLink(h, base)
		for rel, u := range links {
			if u == nil || rel == "" {
				t.Fatalf("rel %q → %v", rel, u)
			}
			_ = canonical(u)
		}
		if last, n, ok := lastPage(links["last"], base); ok && (last == nil || n < 1) {
			t.Fatalf("lastPage = %v %d", last, n)
		}
	})
}

// FuzzClassify feeds error answers (status, headers, body) to the error
// classifier: it never panics, always says something, and never asks to
// wait more than an hour or less than nothing.
func FuzzClassify(f *testing.F) {
	f.Add(403, "0", "1700000100", "", "manage_billing:enterprise", []byte(`{"message":"API rate limit exceeded"}`))
	f.Add(429, "", "", "60", "", []byte(`{"message":"secondary rate limit"}`))
	f.Add(401, "", "", "", "", []byte(`{"message":"Bad credentials"}`))
	f.Add(502, "", "", "", "", []byte(`<html>Bad Gateway</html>`))
	f.Add(410, "", "", "Wed, 21 Oct 2015 07:28:00 GMT", "", []byte(`{"message": ["x"]}`))
	f.Add(404, "NaN", "-1", "99999999999999999999", "", []byte(`{"error":"404 Not Found"}`))
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, code int, remaining, reset, retryAfter, scopes string, body []byte) {
		if code < 100 || code > 999 || code/100 == 2 {
			return
		}
		h := http.Header{}
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset", reset)
		h.Set("Retry-After", retryAfter)
		h.Set("X-Accepted-OAuth-Scopes", scopes)
		h.Set("X-RateLimit-Limit", "5000")
		e := classify(GitHub, http.MethodGet, "/x", &http.Response{StatusCode: code, Header: h}, body, now)
		if e.Error() == "" || len(e.Message) > 250 {
			t.Fatalf("error %q, message of %d bytes", e.Error(), len(e.Message))
		}
		if e.Kind == KindRateLimit {
			if w := e.RetryAt.Sub(now); w < 0 || w > maxRetryWait {
				t.Fatalf("wait %s", w)
			}
		}
		var s rateState
		s.observe(h, now)
		if d, b := s.wait(now); d < 0 || d > 30*time.Second || b.Sub(now) > maxRetryWait {
			t.Fatalf("pacing: delay %s blocked until %s", d, b)
		}
	})
}

func BenchmarkParseLink(b *testing.B) {
	h := `<https://api.github.com/enterprises/e/consumed-licenses?page=2&per_page=100>; rel="next", <https://api.github.com/enterprises/e/consumed-licenses?page=200&per_page=100>; rel="last"`
	base, _ := url.Parse("https://api.github.com/enterprises/e/consumed-licenses?per_page=100")
	b.ReportAllocs()
	for b.Loop() {
		if len(parseLink(h, base)) != 2 {
			b.Fatal("links")
		}
	}
}

func BenchmarkLenientNumber(b *testing.B) {
	in := [][]byte{[]byte(`5000`), []byte(`12.0`), []byte(`"unlimited"`), []byte(`null`), []byte(`"42"`)}
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range in {
			var n Number
			_ = n.UnmarshalJSON(v)
		}
	}
}

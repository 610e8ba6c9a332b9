// Package docs holds the documentation pages; its test checks their links.
package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var (
	// [text](target) or [text](target "title"), and ![alt](target).
	inlineLink = regexp.MustCompile(`\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)`)
	// [label]: target, a reference definition.
	refLink = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)`)
	// href="…" and src="…" of inline HTML.
	htmlLink   = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	htmlAnchor = regexp.MustCompile(`<a (?:name|id)="([^"]+)"`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	heading    = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	scheme     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// TestRelativeLinks checks every relative link of README.md and docs/*.md:
// the file or directory exists, and a #fragment names a heading of the
// target page, slugged as GitHub slugs it.
func TestRelativeLinks(t *testing.T) {
	pages, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join("..", "README.md"))
	checked := 0
	for _, page := range pages {
		for _, link := range linksOf(t, page) {
			checked++
			if err := resolve(page, link); err != nil {
				t.Errorf("%s: link %q: %v", filepath.Clean(page), link, err)
			}
		}
	}
	if checked < 50 {
		t.Errorf("found only %d relative links: is the link parser broken?", checked)
	}
}

// proseLines are the lines of a Markdown page outside fenced code blocks.
func proseLines(b []byte) []string {
	var out []string
	fence := ""
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
		default:
			out = append(out, line)
		}
	}
	return out
}

// linksOf returns the relative links of a Markdown page, outside code.
func linksOf(t *testing.T, page string) []string {
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, line := range proseLines(b) {
		line = codeSpan.ReplaceAllString(line, "")
		for _, re := range []*regexp.Regexp{inlineLink, refLink, htmlLink} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				if !scheme.MatchString(m[1]) {
					links = append(links, m[1])
				}
			}
		}
	}
	return links
}

// resolve checks one relative link of page.
func resolve(page, link string) error {
	target, fragment, _ := strings.Cut(link, "#")
	file := page
	if target != "" {
		file = filepath.Join(filepath.Dir(page), filepath.FromSlash(target))
		if _, err := os.Stat(file); err != nil {
			return fmt.Errorf("no such file or directory %s", file)
		}
	}
	if fragment == "" {
		return nil
	}
	if !strings.HasSuffix(file, ".md") {
		return fmt.Errorf("#%s points into %s, which is not a Markdown page", fragment, file)
	}
	anchors, err := anchorsOf(file)
	if err != nil {
		return err
	}
	if !anchors[fragment] {
		return fmt.Errorf("%s has no heading with the anchor #%s", file, fragment)
	}
	return nil
}

// anchorsOf returns the anchors GitHub gives a page's headings (and its
// explicit <a name> anchors).
func anchorsOf(file string) (map[string]bool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	count := map[string]int{}
	for _, line := range proseLines(b) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			anchors[m[1]] = true
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			slug := slug(m[2])
			if n := count[slug]; n > 0 {
				anchors[fmt.Sprintf("%s-%d", slug, n)] = true
			} else {
				anchors[slug] = true
			}
			count[slug]++
		}
	}
	return anchors, nil
}

// slug is GitHub's anchor of a heading: the rendered text in lower case,
// without punctuation other than - and _, spaces turned into hyphens.
func slug(heading string) string {
	text := mdLink.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Checking a configuration: `check`":           "checking-a-configuration-check",
		"Reliability, security and performance":       "reliability-security-and-performance",
		"`admin_stats`":                               "admin_stats",
		"GHE.com (data residency)":                    "ghecom-data-residency",
		"Running several exporters, sharding targets": "running-several-exporters-sharding-targets",
		"A [linked](x.md) heading":                    "a-linked-heading",
		"Über — two  spaces":                          "über--two--spaces",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

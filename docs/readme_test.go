package docs

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEIsShort: the README stays one a reader finishes; reference text
// belongs in docs/.
func TestREADMEIsShort(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > 400 {
		t.Errorf("README.md has %d lines; keep it within 400 and move reference text to docs/", n)
	}
}

// TestExamplesLeaveRefreshIntervalUnset: refresh_interval overrides every
// collector's tuned default, so no example a user copies sets it (the
// reference shows it commented out).
func TestExamplesLeaveRefreshIntervalUnset(t *testing.T) {
	set := regexp.MustCompile(`(?m)^[\s-]*refresh_interval:|[{,]\s*refresh_interval:`)
	for _, page := range []string{"../README.md", "quickstart.md", "configuration.md", "install.md", "deployment.md"} {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for i, block := range yamlBlocks(string(b)) {
			if set.MatchString(block) {
				t.Errorf("%s: YAML example %d sets refresh_interval:\n%s", page, i+1, block)
			}
		}
	}
}

// yamlBlocks are the fenced ```yaml blocks of a Markdown page.
func yamlBlocks(page string) []string {
	var blocks []string
	var cur *strings.Builder
	for _, line := range strings.Split(page, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && (trimmed == "```yaml" || trimmed == "```yml"):
			cur = &strings.Builder{}
		case cur != nil && trimmed == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

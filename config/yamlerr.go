package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkShape rejects a file whose top level or target entries are not
// mappings, with a message that says what belongs there; the decoder would
// only say which Go type it could not fill.
func checkShape(root *yaml.Node) error {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	if doc := root.Content[0]; doc.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: the configuration must be a mapping with a targets list", doc.Line)
	}
	for _, tn := range targetNodes(root) {
		if tn.Kind != yaml.MappingNode && !isNull(tn) {
			return fmt.Errorf("line %d: each entry under targets must be a mapping (name: …, type: …)", tn.Line)
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// targetNodes are the entries of the targets list, in the order the decoder
// fills Config.Targets.
func targetNodes(root *yaml.Node) []*yaml.Node {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	if seq := mapNode(root.Content[0], "targets"); seq != nil && seq.Kind == yaml.SequenceNode {
		return seq.Content
	}
	return nil
}

// explain turns the decoder's errors, which name a line and a Go type, into
// messages that name the target, the key and, for a typo, the nearest known
// key. yaml.TypeError holds only text: each entry starts "line N: ", and an
// unknown key reads "line N: field K not found in type T" (decode.go of
// go.yaml.in/yaml/v3). Should that change, the entry is shown as it is, and
// TestParseErrors fails.
func explain(root *yaml.Node, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("invalid configuration: %w", err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		var line int
		if _, serr := fmt.Sscanf(e, "line %d:", &line); serr != nil {
			msgs = append(msgs, e)
			continue
		}
		var field, typ string
		if n, _ := fmt.Sscanf(e, "line %d: field %s not found in type %s", &line, &field, &typ); n == 3 {
			msgs = append(msgs, unknownKey(root, line, field))
			continue
		}
		if where := targetAt(root, line); where != "" {
			e = where + ": " + e
		}
		msgs = append(msgs, e)
	}
	return errors.New(strings.Join(msgs, "; "))
}

// unknownKey describes the key the decoder refused at line: where it is and
// which known key it is nearest to.
func unknownKey(root *yaml.Node, line int, key string) string {
	msg := fmt.Sprintf("line %d: unknown key %q", line, key)
	where, typ := keyOwner(root, line, key)
	if typ == nil {
		return msg
	}
	msg = where + ": " + msg
	if s := nearest(key, yamlKeys(typ)); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// keyOwner finds the mapping that holds key at line (the top level, a
// target, or a target's github_app) and the struct it decodes into.
func keyOwner(root *yaml.Node, line int, key string) (string, reflect.Type) {
	if len(root.Content) > 0 && hasKey(root.Content[0], line, key) {
		return "the top level", reflect.TypeFor[Config]()
	}
	for _, tn := range targetNodes(root) {
		if hasKey(tn, line, key) {
			return targetName(tn), reflect.TypeFor[Target]()
		}
		if app := mapNode(tn, "github_app"); app != nil && hasKey(app, line, key) {
			return targetName(tn) + ": github_app", reflect.TypeFor[GitHubApp]()
		}
	}
	return "", nil
}

func hasKey(m *yaml.Node, line int, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Line == line && k.Value == key {
			return true
		}
	}
	return false
}

// targetAt names the target whose entry holds line, if one does.
func targetAt(root *yaml.Node, line int) string {
	for _, tn := range targetNodes(root) {
		if holds(tn, line) {
			return targetName(tn)
		}
	}
	return ""
}

func holds(n *yaml.Node, line int) bool {
	if n.Line == line {
		return true
	}
	for _, c := range n.Content {
		if holds(c, line) {
			return true
		}
	}
	return false
}

// targetName is Target.where for an entry not decoded yet.
func targetName(tn *yaml.Node) string {
	if name := mapValue(tn, "name"); name != "" {
		return fmt.Sprintf("target %q (line %d)", name, tn.Line)
	}
	return fmt.Sprintf("target at line %d", tn.Line)
}

// yamlKeys are the keys the decoder accepts for a struct type.
func yamlKeys(typ reflect.Type) []string {
	var keys []string
	for f := range typ.Fields() {
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	return keys
}

func mapNode(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapValue(m *yaml.Node, key string) string {
	if n := mapNode(m, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// nearest returns the known key within edit distance 2 of k, if any.
func nearest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance; neither the standard library nor
// a dependency has one.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

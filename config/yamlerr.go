package config

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkShape rejects a file whose top level or target entries are not
// mappings, with a message that says what belongs there; the decoder would
// only say which Go type it could not fill.
func checkShape(root *yaml.Node) Mistakes {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	if doc := root.Content[0]; doc.Kind != yaml.MappingNode {
		return Mistakes{{Line: doc.Line, Msg: fmt.Sprintf("line %d: the configuration must be a mapping with a targets list", doc.Line)}}
	}
	var ms Mistakes
	for _, tn := range targetNodes(root) {
		if tn.Kind != yaml.MappingNode && !isNull(tn) {
			ms = append(ms, Mistake{Line: tn.Line, Msg: fmt.Sprintf("line %d: each entry under targets must be a mapping (name: …, type: …)", tn.Line)})
		}
	}
	return ms
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
// messages that name the target, the key and, for a typo, the known keys it
// is nearest to. yaml.TypeError holds only text: each entry starts
// "line N: ", and an unknown key reads "line N: field K not found in type T"
// (decode.go of go.yaml.in/yaml/v3). Should that change, the entry is shown
// as it is, and TestParseErrors fails. It marks in reported the keys whose
// mistake it has said (see parse).
func explain(root *yaml.Node, te *yaml.TypeError, reported []map[string]bool) Mistakes {
	ms := make(Mistakes, 0, len(te.Errors))
	nodes := targetNodes(root)
	for _, e := range te.Errors {
		var line int
		if _, serr := fmt.Sscanf(e, "line %d:", &line); serr != nil {
			ms = append(ms, Mistake{Msg: e})
			continue
		}
		var field, typ string
		if n, _ := fmt.Sscanf(e, "line %d: field %s not found in type %s", &line, &field, &typ); n == 3 {
			msg, meant := unknownKey(root, line, field)
			if i := targetIndexAt(nodes, line); i >= 0 {
				for _, k := range meant {
					reported[i][k] = true
				}
			}
			ms = append(ms, Mistake{Line: line, Msg: msg})
			continue
		}
		if i := targetIndexAt(nodes, line); i >= 0 {
			e = targetName(nodes[i]) + ": " + e
			if k := keyHolding(nodes[i], line); k != "" {
				reported[i][k] = true
			}
		}
		ms = append(ms, Mistake{Line: line, Msg: e})
	}
	return ms
}

// unknownKey describes the key the decoder refused at line: where it is and
// which known keys it may have meant, which it returns too.
func unknownKey(root *yaml.Node, line int, key string) (string, []string) {
	msg := fmt.Sprintf("line %d: unknown key %q", line, key)
	where, typ := keyOwner(root, line, key)
	if typ == nil {
		return msg, nil
	}
	msg = where + ": " + msg
	meant := suggest(key, yamlKeys(typ))
	if len(meant) > 0 {
		msg += "; did you mean " + orList(meant) + "?"
	}
	return msg, meant
}

// aliases are keys people write for a known key (from other exporters and
// tools); suggest offers the known key for them.
var aliases = map[string][]string{
	"api": {"api_url"}, "base_url": {"api_url"}, "endpoint": {"api_url"}, "host": {"api_url"},
	"slug": {"enterprise"}, "password": {"token_file", "token_env"}, "secret": {"token_file", "token_env"},
}

// suggest returns the known keys an unknown key was likely meant to be: the
// nearest within two edits, else those it is a word of (token: token_file,
// token_env), else a known alias.
func suggest(key string, known []string) []string {
	if s := nearest(key, known); s != "" {
		return []string{s}
	}
	var out []string
	for _, k := range known {
		if strings.HasPrefix(k, key+"_") || strings.HasSuffix(k, "_"+key) {
			out = append(out, k)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, k := range aliases[key] {
		if slices.Contains(known, k) {
			out = append(out, k)
		}
	}
	return out
}

// orList quotes words as "a", "b" or "c".
func orList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
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

// targetIndexAt is the index of the target whose entry holds line, or -1.
func targetIndexAt(nodes []*yaml.Node, line int) int {
	for i, tn := range nodes {
		if holds(tn, line) {
			return i
		}
	}
	return -1
}

// keyHolding is the key of a target's entry whose key or value holds line.
func keyHolding(tn *yaml.Node, line int) string {
	for i := 0; i+1 < len(tn.Content); i += 2 {
		if holds(tn.Content[i], line) || holds(tn.Content[i+1], line) {
			return tn.Content[i].Value
		}
	}
	return ""
}

// keyLine is the line of key (a.b for a key of a nested mapping) in a
// target's entry; 0 when the entry does not have it.
func keyLine(tn *yaml.Node, key string) int {
	for tn != nil && tn.Kind == yaml.MappingNode {
		first, rest, nested := strings.Cut(key, ".")
		var val *yaml.Node
		for i := 0; i+1 < len(tn.Content); i += 2 {
			if tn.Content[i].Value == first {
				if !nested {
					return tn.Content[i].Line
				}
				val = tn.Content[i+1]
			}
		}
		tn, key = val, rest
	}
	return 0
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

// syntaxMistake describes invalid YAML. The parser names the line where the
// block it was reading starts (its "context"), which for a key indented
// wrongly is often the top of the file; the mistake is at the first line
// whose addition makes the file fail the same way, so that line is named.
func syntaxMistake(b []byte, err error) Mistake {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	fmt.Sscanf(msg, "line %d:", &reported)
	problem := msg
	if _, rest, ok := strings.Cut(msg, ": "); ok && reported > 0 {
		problem = rest
	}
	line := reported
	lines := bytes.SplitAfter(b, []byte("\n"))
	for k := 1; k <= len(lines); k++ {
		var n yaml.Node
		perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if perr != nil && strings.HasSuffix(perr.Error(), ": "+problem) {
			line = k
			break
		}
	}
	if line == 0 {
		return Mistake{Msg: "invalid YAML: " + msg}
	}
	hint := ""
	switch {
	case strings.Contains(problem, "tab character"):
		hint = "; indent with spaces, not tabs"
	case strings.Contains(problem, "did not find expected '-' indicator"), strings.Contains(problem, "did not find expected key"):
		hint = "; check its indentation: the keys of a target line up under its name, each entry under targets starts with -"
	case strings.Contains(problem, "mapping values are not allowed"):
		hint = "; a key indented deeper than the one before it, or a value holding \": \" that needs quotes"
	}
	return Mistake{Line: line, Msg: fmt.Sprintf("invalid YAML: line %d: %s%s", line, problem, hint)}
}

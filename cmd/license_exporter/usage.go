package main

import (
	"strings"

	"github.com/alecthomas/kingpin/v2"
)

// usageTemplate is kingpin's default, except that the top-level --help also
// lists each command's flags: serve's flags belong to serve (so check --help
// shows only what check reads), and a plain --help must still show them.
var usageTemplate = strings.Replace(kingpin.DefaultUsageTemplate,
	"Commands:\n{{template \"FormatCommands\" .App}}",
	`Commands:
{{range .App.FlattenedCommands -}}
{{if not .Hidden -}}
  {{.FullCommand}}{{if .Default}}*{{end}}{{template "FormatCommand" .}}
{{.Help|Wrap 4}}
{{with .Flags|FlagsToTwoColumns}}{{FormatTwoColumnsWithIndent . 4 2}}{{end}}
{{end -}}
{{end -}}`, 1)

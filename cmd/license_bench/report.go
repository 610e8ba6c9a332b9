package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// report is the harness's table: one section per measurement, each row a
// figure and, where the issue sets one, the target and whether it was met.
type report struct {
	lines  [][3]string
	missed int
}

func (r *report) add(format string, args ...any) {
	r.lines = append(r.lines, [3]string{fmt.Sprintf(format, args...)})
}

func (r *report) row(what, value, verdict string) {
	if strings.Contains(verdict, "MISSED") {
		r.missed++
	}
	r.lines = append(r.lines, [3]string{what, value, verdict})
}

func (r *report) print(w io.Writer) {
	width := 0
	for _, l := range r.lines {
		if l[1] != "" {
			width = max(width, len([]rune(l[0])))
		}
	}
	for _, l := range r.lines {
		if l[1] == "" && l[2] == "" {
			fmt.Fprintf(w, "\n%s\n", l[0])
			continue
		}
		fmt.Fprintf(w, "%-*s  %12s  %s\n", width, l[0], l[1], l[2])
	}
}

func target(ok bool, want string) string {
	if ok {
		return "ok (target " + want + ")"
	}
	return "MISSED (target " + want + ")"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// machine describes where the figures were measured.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if rest, ok := strings.CutPrefix(s.Text(), "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
		f.Close()
	}
	return fmt.Sprintf("%d cores (%s), %s/%s, %s", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

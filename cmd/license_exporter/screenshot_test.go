package main

import (
	"bytes"
	"context"
	"flag"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

var update = flag.Bool("update", false, "rewrite docs/status-page.png, the README's picture of the status page")

const screenshotFile = "../../docs/status-page.png"

// TestGoldenStatusPageScreenshot opens the demo's status page in headless
// Chromium (Debian's chromium package, from scripts/install-test-deps) and
// checks what a person sees: the orange header, OK rows in green, and the
// licenses' state highlighted (the demo's enterprise is over its seats, its
// GitLab license expired: red; one is near its seats: amber). With -update
// (make golden) the picture replaces the README's.
func TestGoldenStatusPageScreenshot(t *testing.T) {
	chromium := testdeps.Need(t, "chromium")
	addr, _ := startExporter(t, "--demo")
	url := "http://" + addr + "/"
	deadline := time.Now().Add(60 * time.Second)
	for {
		page := get(t, url)
		if !strings.Contains(page, `class="pending"`) && strings.Contains(page, `<li class="critical">`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's collectors did not all finish:\n%s", page)
		}
		time.Sleep(100 * time.Millisecond)
	}

	dir := t.TempDir()
	shot := filepath.Join(dir, "status.png")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--disable-gpu", "--hide-scrollbars",
		"--no-sandbox", // as root in a container there is no sandbox to have; the page is our own, on loopback
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1400,1200", "--screenshot="+shot, url)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	colours := map[string]color.RGBA{
		"header (Prometheus orange)":          {0xe6, 0x52, 0x2c, 0xff},
		"critical finding (red background)":   {0xff, 0xeb, 0xe9, 0xff},
		"warning finding (amber background)":  {0xff, 0xf8, 0xc5, 0xff},
		"OK state (green text)":               {0x1a, 0x7f, 0x37, 0xff},
		"critical finding (red left border)":  {0xcf, 0x22, 0x2e, 0xff},
		"warning finding (amber left border)": {0xbf, 0x87, 0x00, 0xff},
	}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			for name, c := range colours {
				if near(img.At(x, y), c) {
					count[name]++
				}
			}
		}
	}
	for name := range colours {
		// The thinnest of these, a 4-pixel border beside one finding, is
		// over 100 pixels; a few stray anti-aliased pixels are not a
		// highlight.
		if count[name] < 50 {
			t.Errorf("the screenshot shows no %s: %d pixels", name, count[name])
		}
	}
	t.Logf("%dx%d screenshot, pixels per colour: %v", bounds.Dx(), bounds.Dy(), count)
	if *update {
		if err := os.WriteFile(screenshotFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) int { return int(a>>8) - int(b) }
	abs := func(x int) int { return max(x, -x) }
	return abs(d(r, want.R))+abs(d(g, want.G))+abs(d(b, want.B)) <= 6
}

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStaticBinary checks what the Dockerfile relies on and Docker cannot
// check here: `make build` gives a static binary (it runs on distroless or
// scratch, without libc) carrying its version (-trimpath keeps the ldflags
// out of the build information, so --version shows them).
func TestStaticBinary(t *testing.T) {
	bin := buildExporter(t)
	info, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, info)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath=true"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("go version -m: no %q in\n%s", want, info)
		}
	}
	if out, err := exec.Command(bin, "--version").CombinedOutput(); err != nil || !strings.Contains(string(out), "e2e-test") {
		t.Errorf("--version: %v: %s", err, out)
	}
	if _, err := exec.LookPath("file"); err != nil {
		t.Log("file(1) not installed: linkage not checked")
		return
	}
	out, err := exec.Command("file", "-L", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("file: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "statically linked") {
		t.Errorf("the binary is not static: %s", out)
	}
}

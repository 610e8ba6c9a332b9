package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile: Docker does not run here, so check what can be checked of
// the file itself (the e2e package builds the binary the same way and checks
// that it is static): two stages, the Makefile's static build, a minimal
// non-root final image, the port, the configuration path, an entry point.
func TestDockerfile(t *testing.T) {
	f, err := os.Open("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type stage struct{ from, name string }
	var stages []stage
	final := map[string][]string{} // instruction → arguments, in the final stage
	var build []string
	instr := regexp.MustCompile(`^([A-Z]+)\s+(.*)$`)
	sc := bufio.NewScanner(f)
	var line string
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || (text == "" && line == "") {
			continue
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line += cont + " "
			continue
		}
		line += text
		m := instr.FindStringSubmatch(line)
		line = ""
		if m == nil {
			t.Fatalf("not an instruction: %q", text)
		}
		switch m[1] {
		case "FROM":
			fields := strings.Fields(m[2])
			s := stage{from: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			stages = append(stages, s)
			final = map[string][]string{}
		case "ARG", "ENV", "RUN", "COPY", "USER", "EXPOSE", "ENTRYPOINT", "CMD", "WORKDIR", "LABEL":
			if len(stages) == 0 {
				t.Fatalf("%s before FROM", m[1])
			}
			final[m[1]] = append(final[m[1]], m[2])
			if len(stages) == 1 && m[1] == "RUN" {
				build = append(build, m[2])
			}
		default:
			t.Errorf("unexpected instruction %s", m[1])
		}
	}
	if len(stages) != 2 || !strings.HasPrefix(stages[0].from, "golang:") || stages[0].name == "" {
		t.Fatalf("want a golang builder stage and a final stage, got %+v", stages)
	}
	if !strings.Contains(strings.Join(build, "\n"), "make build") {
		t.Errorf("the builder should run `make build` (CGO_ENABLED=0 and the version ldflags), runs %q", build)
	}
	if f := stages[1].from; f != "gcr.io/distroless/static-debian12:nonroot" && f != "scratch" {
		t.Errorf("final image %s, want distroless static nonroot or scratch", f)
	}
	checks := map[string]string{
		"COPY":       "--from=" + stages[0].name + " /src/license_exporter ",
		"USER":       "65532",
		"EXPOSE":     "9947",
		"ENTRYPOINT": `["/bin/license_exporter"]`,
		"CMD":        "/etc/license_exporter/license_exporter.yml",
	}
	for in, want := range checks {
		if !strings.Contains(strings.Join(final[in], "\n"), want) {
			t.Errorf("final stage %s: want %q, got %q", in, want, final[in])
		}
	}
}

// TestCompose: the compose file parses and every file it mounts exists; the
// exporter runs in --demo mode on all interfaces; Grafana gets the
// dashboards and a Prometheus data source.
func TestCompose(t *testing.T) {
	var c struct {
		Services map[string]struct {
			Command []string
			Volumes []string
			Build   *struct{ Context string }
		}
	}
	readYAML(t, "docker-compose/compose.yaml", &c)
	exp, ok := c.Services["license-exporter"]
	if !ok || exp.Build == nil || !containsArg(exp.Command, "--demo") || !containsArg(exp.Command, "--web.listen-address=0.0.0.0:9947") {
		t.Errorf("license-exporter service: %+v", exp)
	}
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			src := strings.Split(v, ":")[0]
			if _, err := os.Stat(filepath.Join("docker-compose", src)); err != nil {
				t.Errorf("service %s mounts %s: %v", name, src, err)
			}
		}
	}
	var p struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			StaticConfigs []struct{ Targets []string } `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "docker-compose/prometheus.yml", &p)
	if len(p.RuleFiles) == 0 || len(p.ScrapeConfigs) == 0 || p.ScrapeConfigs[0].StaticConfigs[0].Targets[0] != "license-exporter:9947" {
		t.Errorf("prometheus.yml: %+v", p)
	}
	var ds struct{ Datasources []struct{ Type, URL string } }
	readYAML(t, "docker-compose/grafana/provisioning/datasources/prometheus.yml", &ds)
	if len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" {
		t.Errorf("Grafana data sources: %+v", ds)
	}
	var db struct {
		Providers []struct{ Options struct{ Path string } }
	}
	readYAML(t, "docker-compose/grafana/provisioning/dashboards/license_exporter.yml", &db)
	if len(db.Providers) != 1 {
		t.Fatalf("Grafana dashboards providers: %+v", db)
	}
	// Every provisioned dashboard lies in the provider's folder, and no
	// import rendering: Grafana reads the folder recursively, and those
	// repeat the uids with inputs only the Import dialog resolves.
	dashboards, _ := filepath.Glob("../dashboards/*.json")
	if len(dashboards) == 0 {
		t.Fatal("no dashboards in ../dashboards")
	}
	mounted := map[string]bool{}
	for _, v := range c.Services["grafana"].Volumes {
		src, dst, _ := strings.Cut(v, ":")
		dst, _, _ = strings.Cut(dst, ":")
		imports, _ := filepath.Glob(filepath.Join("docker-compose", src, "import", "*.json"))
		if strings.Contains(src, "dashboards/import") || len(imports) > 0 {
			t.Errorf("Grafana mounts %s, import renderings included, for provisioning", src)
		}
		if strings.HasPrefix(dst, db.Providers[0].Options.Path+"/") {
			mounted[filepath.Base(src)] = true
		}
	}
	for _, d := range dashboards {
		if !mounted[filepath.Base(d)] {
			t.Errorf("%s is not mounted in the dashboards provider's folder %s", d, db.Providers[0].Options.Path)
		}
	}
}

// TestSystemdUnit: the hardening the unit promises is there, and where
// systemd-analyze is installed it finds nothing wrong.
func TestSystemdUnit(t *testing.T) {
	const unit = "systemd/license_exporter.service"
	b, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"User=license_exporter", "ProtectSystem=strict", "NoNewPrivileges=yes", "ProtectHome=yes",
		"PrivateTmp=yes", "CapabilityBoundingSet=\n", "ExecStart=/usr/local/bin/license_exporter"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: no %q", unit, strings.TrimSpace(want))
		}
	}
	// docs/deployment.md promises that a rotated token_file needs no restart. A
	// systemd credential (LoadCredential=, SetCredential=) is a copy made at
	// start, which would break that promise.
	if regexp.MustCompile(`(?m)^\w*Credential\w*=`).Match(b) {
		t.Errorf("%s passes the token as a credential: copied once at start, so a rotated token would be missed", unit)
	}
	for _, path := range []string{"/etc/license_exporter/github-token"} {
		if !strings.Contains(string(b), path) {
			t.Errorf("%s does not name the token file %s", unit, path)
		}
		page, _ := os.ReadFile("../docs/deployment.md")
		if !strings.Contains(string(page), "token_file: "+path) {
			t.Errorf("docs/deployment.md's systemd section does not name token_file: %s", path)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if testing.Short() {
		t.Log("-short: unit not verified with systemd-analyze")
		return
	}
	if err != nil {
		t.Log("systemd-analyze not installed: unit not verified")
		return
	}
	// Verify a copy whose ExecStart points at a program that exists here.
	tmp := filepath.Join(t.TempDir(), "license_exporter.service")
	local := strings.Replace(string(b), "/usr/local/bin/license_exporter", "/bin/true", 1)
	if err := os.WriteFile(tmp, []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", tmp).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

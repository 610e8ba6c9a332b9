// Package deploy holds the deployment files (Prometheus rules, Kubernetes,
// docker compose, systemd) and the tests that check them; it has no code.
package deploy

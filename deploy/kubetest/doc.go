// Package kubetest renders the Helm chart (deploy/helm/license-exporter) with
// the pinned helm and builds kustomize overlays on deploy/kubernetes/base,
// then decodes every manifest strictly against the Kubernetes API types
// (k8s.io/api) and the Prometheus Operator's (ServiceMonitor, PrometheusRule).
//
// It is a Go module of its own so that those API types, and the dozens of
// modules they bring, stay out of the exporter's go.mod: the exporter does
// not use them, and its dependency list stays what its README explains. Run
// it with `make kubetest` (part of `make test`).
package kubetest

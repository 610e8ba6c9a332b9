{{- define "license-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "license-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "license-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "license-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "license-exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "license-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels kube-prometheus-stack's Prometheus selects ServiceMonitors and PrometheusRules by. */}}
{{- define "license-exporter.monitoringLabels" -}}
{{ include "license-exporter.labels" . }}
{{- with .Values.kubePrometheusStackRelease }}
release: {{ . }}
{{- end }}
{{- end }}

{{- define "license-exporter.configMapName" -}}
{{- if .Values.config.existingConfigMap }}
{{- .Values.config.existingConfigMap }}
{{- else }}
{{- include "license-exporter.fullname" . }}-config
{{- end }}
{{- end }}

{{/* Fails the render with what to set, instead of a pod that cannot start. */}}
{{- define "license-exporter.validate" -}}
{{- if and .Values.config.existingConfigMap .Values.config.inline }}
{{- fail "set config.inline or config.existingConfigMap, not both" }}
{{- end }}
{{- if not (or .Values.config.existingConfigMap .Values.config.inline) }}
{{- fail "set config.inline (the configuration, docs/configuration.md) or config.existingConfigMap (a ConfigMap with the key license_exporter.yml)" }}
{{- end }}
{{- if not .Values.tokens.existingSecret }}
{{- fail "set tokens.existingSecret to the Secret holding the tokens: kubectl create secret generic license-exporter-token --from-file=github-token=./github-token" }}
{{- end }}
{{- end }}

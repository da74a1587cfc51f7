{{/* Names and labels shared by every object of the release. */}}

{{- define "pinsync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pinsync.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pinsync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pinsync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pinsync.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "pinsync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: connector
{{- end -}}

{{- define "pinsync.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pinsync.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pinsync.tokenStoreClaim" -}}
{{- default (printf "%s-token-store" (include "pinsync.fullname" .)) .Values.tokenStore.persistence.existingClaim -}}
{{- end -}}

{{/* True (non-empty) when the refresh-token flow is configured. */}}
{{- define "pinsync.refreshFlow" -}}
{{- if eq .Values.auth.flow "refreshToken" -}}true{{- end -}}
{{- end -}}

{{/* Render-time checks: a misconfiguration fails `helm install` instead of a pod at start. */}}
{{- define "pinsync.validate" -}}
{{- if not (has .Values.auth.flow (list "accessToken" "refreshToken")) -}}
{{- fail (printf "auth.flow is %q: use accessToken or refreshToken" .Values.auth.flow) -}}
{{- end -}}
{{- if not (has .Values.auth.mountAs (list "env" "file")) -}}
{{- fail (printf "auth.mountAs is %q: use env or file" .Values.auth.mountAs) -}}
{{- end -}}
{{- if ge (int .Values.shutdownTimeoutSeconds) (int .Values.terminationGracePeriodSeconds) -}}
{{- fail (printf "shutdownTimeoutSeconds (%d) must be below terminationGracePeriodSeconds (%d): pinsync needs time to exit before SIGKILL" (int .Values.shutdownTimeoutSeconds) (int .Values.terminationGracePeriodSeconds)) -}}
{{- end -}}
{{- $pinterest := default (dict) (get (default (dict) .Values.config) "pinterest") -}}
{{- range $key := list "access_token" "app_secret" "refresh_token" -}}
{{- if hasKey $pinterest $key -}}
{{- fail (printf "config.pinterest.%s is set in values: secrets never go in values or the ConfigMap; put it in the Secret named by auth.existingSecret" $key) -}}
{{- end -}}
{{- end -}}
{{- $kafka := default (dict) (get (default (dict) .Values.config) "kafka") -}}
{{- range $name, $_ := default (dict) (get $kafka "properties") -}}
{{- if regexMatch "(password|secret)" (lower $name) -}}
{{- fail (printf "config.kafka.properties.%s looks like a secret: put it in a Secret and map it with kafkaSecret.properties instead of values" $name) -}}
{{- end -}}
{{- end -}}
{{- if lt (int .Values.shutdownTimeoutSeconds) 1 -}}
{{- fail "shutdownTimeoutSeconds must be at least 1" -}}
{{- end -}}
{{- end -}}

{{/*
The pinsync YAML: the `config:` values plus the keys the chart owns (metrics.listen,
shutdown.timeout, and the token store and secret files when those are in use).
*/}}
{{- define "pinsync.config" -}}
{{- $config := deepCopy (default (dict) .Values.config) -}}
{{- $metrics := default (dict) (get $config "metrics") -}}
{{- $_ := set $metrics "listen" (printf "%s:%d" .Values.metrics.listenHost (int .Values.metrics.port)) -}}
{{- $_ := set $config "metrics" $metrics -}}
{{- $shutdown := default (dict) (get $config "shutdown") -}}
{{- $_ := set $shutdown "timeout" (printf "%ds" (int .Values.shutdownTimeoutSeconds)) -}}
{{- $_ := set $config "shutdown" $shutdown -}}
{{- $pinterest := default (dict) (get $config "pinterest") -}}
{{- if include "pinsync.refreshFlow" . -}}
{{- $_ := set $pinterest "token_store" (printf "%s/%s" .Values.tokenStore.mountPath .Values.tokenStore.fileName) -}}
{{- end -}}
{{- if eq .Values.auth.mountAs "file" -}}
{{- if include "pinsync.refreshFlow" . -}}
{{- $_ := set $pinterest "app_secret_file" (printf "%s/%s" .Values.auth.secretMountPath .Values.auth.secretKeys.appSecret) -}}
{{- $_ := set $pinterest "refresh_token_file" (printf "%s/%s" .Values.auth.secretMountPath .Values.auth.secretKeys.refreshToken) -}}
{{- else -}}
{{- $_ := set $pinterest "access_token_file" (printf "%s/%s" .Values.auth.secretMountPath .Values.auth.secretKeys.accessToken) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $config "pinterest" $pinterest -}}
{{- toYaml $config -}}
{{- end -}}

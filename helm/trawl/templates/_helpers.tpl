{{/*
Chart name, truncated to 63 characters (the DNS label limit).
*/}}
{{- define "trawl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated to 63 characters. A release name that already contains the chart
name is used as is.
*/}}
{{- define "trawl.fullname" -}}
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

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "trawl.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels. The version is here, never in selectors: selectors are immutable, so a label that
changes on upgrade must not be part of them.
*/}}
{{- define "trawl.labels" -}}
helm.sh/chart: {{ include "trawl.chart" . }}
{{ include "trawl.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: trawl
{{- end }}

{{/*
Selector labels of the whole release.
*/}}
{{- define "trawl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trawl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The three services. Called with the root context; returns YAML: component name -> its values key,
whether it serves the public API (API keys, ingress) and whether it is the autoscaled worker.
*/}}
{{- define "trawl.components" -}}
job-service:
  key: jobService
  api: true
  worker: false
scrape-service:
  key: scrapeService
  api: false
  worker: true
event-service:
  key: eventService
  api: true
  worker: false
{{- end }}

{{/*
Helpers for one component, called with (dict "root" $ "component" "job-service").
*/}}
{{- define "trawl.componentName" -}}
{{- printf "%s-%s" (include "trawl.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "trawl.componentLabels" -}}
{{ include "trawl.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trawl.componentSelectorLabels" -}}
{{ include "trawl.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trawl.image" -}}
{{- $v := .root.Values.image }}
{{- $repo := printf "%s/%s" $v.repositoryPrefix .component | trimPrefix "/" }}
{{- if $v.registry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" $v.registry) $repo }}
{{- end }}
{{- printf "%s:%s%s" $repo (default .root.Chart.AppVersion $v.tag) $v.tagSuffix }}
{{- end }}

{{- define "trawl.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "trawl.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret with the credentials: the user's, or the one this chart creates.
*/}}
{{- define "trawl.secretName" -}}
{{- default (include "trawl.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{/*
"true" when scrape-service is scaled by KEDA: forced on, or auto and the cluster serves the CRD.
*/}}
{{- define "trawl.kedaEnabled" -}}
{{- $k := .Values.keda.enabled }}
{{- if or (eq (toString $k) "true") (and (eq (toString $k) "auto") (.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject")) }}true{{ end }}
{{- end }}

{{/*
"true" when the CPU HPA manages scrape-service (never beside a ScaledObject).
*/}}
{{- define "trawl.hpaEnabled" -}}
{{- if and (not (include "trawl.kedaEnabled" .)) .Values.autoscaling.enabled }}true{{ end }}
{{- end }}

{{- define "trawl.serviceMonitorEnabled" -}}
{{- $m := .Values.serviceMonitor.enabled }}
{{- if or (eq (toString $m) "true") (and (eq (toString $m) "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) }}true{{ end }}
{{- end }}

{{/*
The most replicas scrape-service can have: what the autoscaler allows, or the fixed count.
*/}}
{{- define "trawl.scrapeMaxReplicas" -}}
{{- if include "trawl.kedaEnabled" . }}{{ .Values.keda.maxReplicaCount }}
{{- else if include "trawl.hpaEnabled" . }}{{ .Values.autoscaling.maxReplicas }}
{{- else }}{{ .Values.scrapeService.replicaCount }}
{{- end }}
{{- end }}

{{/*
Quarkus properties of one component, as a YAML map keyed by property name. The ConfigMap holds them;
each becomes the environment variable Quarkus derives from the name (see trawl.envName).
*/}}
{{- define "trawl.config" -}}
{{- $root := .root }}
{{- $c := get (fromYaml (include "trawl.components" .root)) .component }}
{{- $v := index $root.Values $c.key }}
{{- $db := $root.Values.externalDatabase }}
{{- $mq := $root.Values.externalRabbitmq }}
{{- $props := dict
  "quarkus.http.port" (toString (int $v.port))
  "quarkus.shutdown.timeout" (printf "%ds" (int $v.shutdownTimeoutSeconds))
  "quarkus.datasource.reactive.max-size" (toString (int $v.dbPoolSize))
  "trawl.db.host" $db.host
  "trawl.db.port" (toString (int $db.port))
  "trawl.db.name" $db.database
  "trawl.rabbitmq.host" $mq.host
  "trawl.rabbitmq.port" (toString (int $mq.port))
  "trawl.rabbitmq.vhost" $mq.vhost
}}
{{- if has .component (list "job-service" "scrape-service") }}
{{- $_ := set $props "trawl.retry.backoff-base" $root.Values.retry.backoffBase }}
{{- $_ := set $props "trawl.retry.backoff-max" $root.Values.retry.backoffMax }}
{{- $_ := set $props "trawl.retry.backoff-jitter" (include "trawl.propertyValue" $root.Values.retry.backoffJitter) }}
{{- end }}
{{- if eq .component "scrape-service" }}
{{- if lt (int $v.prefetch) (int $v.concurrency) }}
{{- fail (printf "scrapeService.prefetch (%d) must be at least scrapeService.concurrency (%d), or fetch slots wait for the broker" (int $v.prefetch) (int $v.concurrency)) }}
{{- end }}
{{- $_ := set $props "trawl.worker.concurrency" (toString (int $v.concurrency)) }}
{{- $_ := set $props "trawl.worker.prefetch" (toString (int $v.prefetch)) }}
{{- $_ := set $props "trawl.worker.shutdown-grace" (printf "%ds" (int $v.workerShutdownGraceSeconds)) }}
{{- with $v.fetchAllowNetworks }}
{{- $_ := set $props "trawl.fetch.allow-networks" (join "," .) }}
{{- end }}
{{- end }}
{{- if and (eq .component "event-service") $v.allowedOrigins }}
{{- $_ := set $props "trawl.websocket.allowed-origins" (join "," $v.allowedOrigins) }}
{{- end }}
{{- range $k, $val := $root.Values.config }}
{{- $_ := set $props $k (include "trawl.propertyValue" $val) }}
{{- end }}
{{- range $k, $val := $v.config }}
{{- $_ := set $props $k (include "trawl.propertyValue" $val) }}
{{- end }}
{{- toYaml $props }}
{{- end }}

{{/*
A property value as Quarkus expects it: whole numbers without an exponent (values files give floats).
*/}}
{{- define "trawl.propertyValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}{{ int64 . }}{{ else }}{{ toString . }}{{ end }}
{{- end }}

{{/*
The environment variable Quarkus reads a property from: every character other than a letter or a
digit becomes "_", then upper case (quarkus.http.port -> QUARKUS_HTTP_PORT).
*/}}
{{- define "trawl.envName" -}}
{{- regexReplaceAll "[^A-Za-z0-9]" . "_" | upper }}
{{- end }}

{{/*
Seconds Kubernetes waits after SIGTERM before SIGKILL: the preStop sleep, Quarkus' shutdown timeout
(in-flight requests), a worker's hand-back of its tasks, plus a margin. Always longer than
quarkus.shutdown.timeout.
*/}}
{{- define "trawl.terminationGrace" -}}
{{- add (int .root.Values.preStopSleepSeconds) (int .values.shutdownTimeoutSeconds) (int (default 0 .values.workerShutdownGraceSeconds)) 10 }}
{{- end }}

{{/*
Postgres connection budget: every pool of every replica that can exist at once (a rolling update
adds one pod per Deployment) must fit below max_connections minus the reserved ones.
*/}}
{{- define "trawl.connectionBudget" -}}
{{- $db := .Values.externalDatabase }}
{{- $job := mul (add (int .Values.jobService.replicaCount) 1) (add (int .Values.jobService.dbPoolSize) 2) }}
{{- $event := mul (add (int .Values.eventService.replicaCount) 1) (int .Values.eventService.dbPoolSize) }}
{{- $scrape := mul (add (int (include "trawl.scrapeMaxReplicas" .)) 1) (int .Values.scrapeService.dbPoolSize) }}
{{- $total := add $job $event $scrape }}
{{- $limit := sub (int $db.maxConnections) (int $db.reservedConnections) }}
{{- if and $db.checkConnectionBudget (gt (int $total) (int $limit)) }}
{{- fail (printf "Postgres connection budget exceeded: the pools can open %d connections (job-service %d, event-service %d, scrape-service %d, counting one extra pod per Deployment during a rollout) but externalDatabase.maxConnections - reservedConnections is %d. Lower the replica counts, keda.maxReplicaCount / autoscaling.maxReplicas or the dbPoolSize values, raise max_connections, or set externalDatabase.checkConnectionBudget=false behind a connection pooler." $total $job $event $scrape $limit) }}
{{- end }}
{{- $total }}
{{- end }}

{{/*
The data of the Secret this chart creates (base64). Empty passwords and API keys stay empty: the chart
never makes one up; NOTES.txt says what is missing.
*/}}
{{- define "trawl.secretData" -}}
{{- $k := .Values.credentials.keys }}
{{ $k.dbUser }}: {{ .Values.externalDatabase.user | toString | b64enc | quote }}
{{ $k.dbPassword }}: {{ .Values.externalDatabase.password | toString | b64enc | quote }}
{{ $k.rabbitmqUser }}: {{ .Values.externalRabbitmq.user | toString | b64enc | quote }}
{{ $k.rabbitmqPassword }}: {{ .Values.externalRabbitmq.password | toString | b64enc | quote }}
{{ $k.apiKeys }}: {{ .Values.apiKeys | toString | b64enc | quote }}
{{- end }}

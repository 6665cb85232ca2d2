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
The components. Called with the root context; returns YAML: component name -> its values key, whether it
serves the public API (API keys, ingress), whether it is an autoscaled worker (and the queue it scales on),
whether it renders pages in a browser, and the image it runs (default: its own name).
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
  queue: trawl.tasks
event-service:
  key: eventService
  api: true
  worker: false
scrape-browser:
  key: scrapeBrowser
  api: false
  worker: true
  browser: true
  queue: trawl.tasks.browser
  image: scrape-service
{{- end }}

{{/*
The components this release deploys, space separated: the three services, and the browser workers when
scrapeBrowser.enabled.
*/}}
{{- define "trawl.componentNames" -}}
job-service scrape-service event-service{{ if .Values.scrapeBrowser.enabled }} scrape-browser{{ end }}
{{- end }}

{{/*
The autoscaled workers this release deploys, space separated.
*/}}
{{- define "trawl.workerNames" -}}
scrape-service{{ if .Values.scrapeBrowser.enabled }} scrape-browser{{ end }}
{{- end }}

{{/*
How one worker scales, called with (dict "root" $ "component" "scrape-service"); returns YAML. scrape-service
uses the top-level keda and autoscaling values, the browser workers their own (scrapeBrowser.keda,
scrapeBrowser.autoscaling) beside the shared polling, cooldown and scale-down settings.
*/}}
{{- define "trawl.scaling" -}}
{{- $c := get (fromYaml (include "trawl.components" .root)) .component }}
{{- $keda := .root.Values.keda }}
{{- $hpa := .root.Values.autoscaling }}
{{- if $c.browser }}
{{- $keda = .root.Values.scrapeBrowser.keda }}
{{- $hpa = .root.Values.scrapeBrowser.autoscaling }}
{{- end }}
queue: {{ $c.queue }}
kedaMin: {{ int $keda.minReplicaCount }}
kedaMax: {{ int $keda.maxReplicaCount }}
queueLength: {{ include "trawl.propertyValue" $keda.queueLength | quote }}
hpaMin: {{ int $hpa.minReplicas }}
hpaMax: {{ int $hpa.maxReplicas }}
cpu: {{ int $hpa.targetCPUUtilizationPercentage }}
fixed: {{ int (index .root.Values $c.key).replicaCount }}
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

{{/*
<registry>/<prefix>/<image>:<tag><suffix>. The browser workers run scrape-service's image variant with
Chromium (Dockerfile.browser), a JVM image whatever image.tagSuffix says: scrapeBrowser.imageTagSuffix.
*/}}
{{- define "trawl.image" -}}
{{- $v := .root.Values.image }}
{{- $c := get (fromYaml (include "trawl.components" .root)) .component }}
{{- $repo := printf "%s/%s" $v.repositoryPrefix (default .component $c.image) | trimPrefix "/" }}
{{- if $v.registry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" $v.registry) $repo }}
{{- end }}
{{- $suffix := $v.tagSuffix }}
{{- if $c.browser }}
{{- $suffix = .root.Values.scrapeBrowser.imageTagSuffix }}
{{- end }}
{{- printf "%s:%s%s" $repo (default .root.Chart.AppVersion $v.tag) $suffix }}
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
{{- include "trawl.workerMaxReplicas" (dict "root" . "component" "scrape-service") }}
{{- end }}

{{/*
The most replicas a worker can have, called with (dict "root" $ "component" ...).
*/}}
{{- define "trawl.workerMaxReplicas" -}}
{{- $s := fromYaml (include "trawl.scaling" .) }}
{{- if include "trawl.kedaEnabled" .root }}{{ $s.kedaMax }}
{{- else if include "trawl.hpaEnabled" .root }}{{ $s.hpaMax }}
{{- else }}{{ $s.fixed }}
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
{{- if or (eq .component "job-service") $c.worker }}
{{- $_ := set $props "trawl.retry.backoff-base" $root.Values.retry.backoffBase }}
{{- $_ := set $props "trawl.retry.backoff-max" $root.Values.retry.backoffMax }}
{{- $_ := set $props "trawl.retry.backoff-jitter" (include "trawl.propertyValue" $root.Values.retry.backoffJitter) }}
{{- end }}
{{- if $c.worker }}
{{- if lt (int $v.prefetch) (int $v.concurrency) }}
{{- fail (printf "%s.prefetch (%d) must be at least %s.concurrency (%d), or fetch slots wait for the broker" $c.key (int $v.prefetch) $c.key (int $v.concurrency)) }}
{{- end }}
{{- $_ := set $props "trawl.worker.concurrency" (toString (int $v.concurrency)) }}
{{- $_ := set $props "trawl.worker.prefetch" (toString (int $v.prefetch)) }}
{{- $_ := set $props "trawl.worker.shutdown-grace" (printf "%ds" (int $v.workerShutdownGraceSeconds)) }}
{{- with $root.Values.scrapeService.fetchAllowNetworks }}
{{- $_ := set $props "trawl.fetch.allow-networks" (join "," .) }}
{{- end }}
{{- end }}
{{- $ing := $root.Values.ingress }}
{{- $scheme := ternary "https" "http" (not (empty $ing.tls)) }}
{{- if eq .component "job-service" }}
{{- if $v.feedUrl }}
{{- $_ := set $props "trawl.feed-url" $v.feedUrl }}
{{- else if $ing.enabled }}
{{- $_ := set $props "trawl.feed-url" (printf "%s://%s" $scheme (first $ing.hosts)) }}
{{- end }}
{{- end }}
{{- if eq .component "event-service" }}
{{- $origins := list }}
{{- range $v.allowedOrigins }}{{ $origins = append $origins . }}{{ end }}
{{- if $ing.enabled }}
{{- range $ing.hosts }}{{ $origins = append $origins (printf "%s://%s" $scheme .) }}{{ end }}
{{- end }}
{{- with uniq $origins }}
{{- $_ := set $props "trawl.websocket.allowed-origins" (join "," .) }}
{{- end }}
{{- end }}
{{- if and (eq .component "job-service") $v.webhookAllowNetworks }}
{{- $_ := set $props "trawl.webhook.allow-networks" (join "," $v.webhookAllowNetworks) }}
{{- end }}
{{- if $c.browser }}
{{- $_ := set $props "trawl.browser.enabled" "true" }}
{{- $_ := set $props "trawl.browser.contexts" (toString (int $v.contexts)) }}
{{- $_ := set $props "trawl.browser.js-heap-mb" (toString (int $v.jsHeapMb)) }}
{{- $_ := set $props "trawl.browser.memory-cap-mb" (toString (int $v.memoryCapMb)) }}
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
{{- $browser := 0 }}
{{- if .Values.scrapeBrowser.enabled }}
{{- $browser = mul (add (int (include "trawl.workerMaxReplicas" (dict "root" . "component" "scrape-browser"))) 1) (int .Values.scrapeBrowser.dbPoolSize) }}
{{- end }}
{{- $total := add $job $event $scrape $browser }}
{{- $limit := sub (int $db.maxConnections) (int $db.reservedConnections) }}
{{- if and $db.checkConnectionBudget (gt (int $total) (int $limit)) }}
{{- fail (printf "Postgres connection budget exceeded: the pools can open %d connections (job-service %d, event-service %d, scrape-service %d, scrape-browser %d, counting one extra pod per Deployment during a rollout) but externalDatabase.maxConnections - reservedConnections is %d. Lower the replica counts, keda.maxReplicaCount / autoscaling.maxReplicas (scrapeBrowser.keda / scrapeBrowser.autoscaling) or the dbPoolSize values, raise max_connections, or set externalDatabase.checkConnectionBudget=false behind a connection pooler." $total $job $event $scrape $browser $limit) }}
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
{{ $k.adminKeys }}: {{ .Values.adminKeys | toString | b64enc | quote }}
{{ $k.feedTokenSecret }}: {{ .Values.feedTokenSecret | toString | b64enc | quote }}
{{- end }}

variable "environment" {
  type        = string
  description = "Which knative/overlays/<environment> to apply."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod (a folder under knative/overlays)."
  }
}

variable "platform_ready" {
  type        = string
  description = "The platform module's `ready` output: nothing here is created before the platform is."
}

variable "image_repository" {
  type        = string
  description = "Repository of the TaskAI image (the Dockerfile at the repository root), e.g. ghcr.io/acme/taskai."

  validation {
    condition     = can(regex("^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$", var.image_repository))
    error_message = "image_repository must be an image repository without tag, e.g. ghcr.io/acme/taskai."
  }
}

variable "image_tag" {
  type        = string
  description = "Tag (e.g. 0.3.1) or digest (sha256:...) of the image every function and the migration run; changing it rolls out a new revision."

  validation {
    condition     = var.image_tag != "latest" && can(regex("^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$", var.image_tag))
    error_message = "image_tag must be a version tag or a sha256 digest, never latest (revisions must be reproducible)."
  }
}

variable "public_host" {
  type        = string
  description = "Host name of the one public origin (the Gateway listeners and the HTTPRoutes), e.g. tasks.example.com."

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.public_host))
    error_message = "public_host must be a lower-case DNS name such as tasks.example.com."
  }
}

variable "database_url" {
  type        = string
  description = "DATABASE_URL: the PostgreSQL URL (the platform module's database_url output)."
  sensitive   = true

  validation {
    condition     = can(regex("^postgres(ql)?://", var.database_url))
    error_message = "database_url must start with postgresql:// or postgres://."
  }
}

variable "jwt_secret" {
  type        = string
  description = "JWT_SECRET: the HS256 signing key of the access tokens, 32 characters or more (e.g. openssl rand -base64 48)."
  sensitive   = true

  validation {
    condition     = length(var.jwt_secret) >= 32 && !contains(["changeme", "change-me", "secret", "jwt-secret", "please-change", "dev"], lower(var.jwt_secret))
    error_message = "jwt_secret must be at least 32 characters and not a placeholder."
  }
}

variable "resend_api_key" {
  type        = string
  description = "RESEND_API_KEY: Resend key for reminder emails; empty logs reminders instead of sending them."
  sensitive   = true
  default     = ""
}

variable "openai_api_key" {
  type        = string
  description = "OPENAI_API_KEY: OpenAI key for natural-language quick add; empty uses the rule-based parser."
  sensitive   = true
  default     = ""
}

variable "kafka_bootstrap_servers" {
  type        = string
  description = "KAFKA_BOOTSTRAP_SERVERS: comma-separated host:port list (the platform module's kafka_bootstrap_servers output)."

  validation {
    condition     = can(regex("^[^,:\\s]+:[0-9]+(,[^,:\\s]+:[0-9]+)*$", var.kafka_bootstrap_servers))
    error_message = "kafka_bootstrap_servers must be host:port[,host:port...]."
  }
}

variable "jwt_issuer" {
  type        = string
  description = "JWT_ISSUER: the iss claim issued and checked."
  default     = "taskai"
}

variable "jwt_audience" {
  type        = string
  description = "JWT_AUDIENCE: the aud claim issued and checked."
  default     = "taskai-api"
}

variable "jwt_ttl_seconds" {
  type        = number
  description = "JWT_TTL_SECONDS: access token lifetime."
  default     = 86400

  validation {
    condition     = var.jwt_ttl_seconds >= 60 && var.jwt_ttl_seconds <= 2592000
    error_message = "jwt_ttl_seconds must be between 60 and 2592000 (30 days), as Settings requires."
  }
}

variable "trusted_proxy_hops" {
  type        = number
  description = "TRUSTED_PROXY_HOPS: proxies in front of the functions that append X-Forwarded-For (the ingress gateway and Knative's queue-proxy); login throttling counts per client address from the right of it."
  default     = 2

  validation {
    condition     = var.trusted_proxy_hops >= 0 && var.trusted_proxy_hops <= 5
    error_message = "trusted_proxy_hops must be between 0 and 5, as Settings requires."
  }
}

variable "events_oidc_issuer" {
  type        = string
  description = "EVENTS_OIDC_ISSUER: the cluster's service-account token issuer, which signs the event sources' OIDC tokens."
  default     = "https://kubernetes.default.svc.cluster.local"

  validation {
    condition     = can(regex("^https://", var.events_oidc_issuer))
    error_message = "events_oidc_issuer must be an https URL."
  }
}

variable "events_oidc_jwks_url" {
  type        = string
  description = "EVENTS_OIDC_JWKS_URL: where the cluster publishes the keys that sign service-account tokens."
  default     = "https://kubernetes.default.svc/openid/v1/jwks"

  validation {
    condition     = can(regex("^https://", var.events_oidc_jwks_url))
    error_message = "events_oidc_jwks_url must be an https URL."
  }
}

variable "events_oidc_subjects" {
  type        = string
  description = "EVENTS_OIDC_SUBJECTS: comma-separated service accounts allowed to deliver events; empty allows any source of the cluster with the right audience."
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9:._,-]*$", var.events_oidc_subjects))
    error_message = "events_oidc_subjects must be a comma-separated list of service account names."
  }
}

variable "bcrypt_rounds" {
  type        = number
  description = "BCRYPT_ROUNDS: password hash cost."
  default     = 12

  validation {
    condition     = var.bcrypt_rounds >= 4 && var.bcrypt_rounds <= 16
    error_message = "bcrypt_rounds must be between 4 and 16, as Settings requires."
  }
}

variable "max_body_bytes" {
  type        = number
  description = "MAX_BODY_BYTES: request body limit (413 beyond)."
  default     = 1048576

  validation {
    condition     = var.max_body_bytes >= 1024
    error_message = "max_body_bytes must be at least 1024, as Settings requires."
  }
}

variable "read_timeout_s" {
  type        = number
  description = "READ_TIMEOUT_S: seconds a request's headers may take to arrive, then its body (plus a second per 16 KiB; then 408), and how long in all, plus a second per 16 KiB, an answer's writes may wait on the client."
  default     = 10

  validation {
    condition     = var.read_timeout_s >= 0.1 && var.read_timeout_s <= 300
    error_message = "read_timeout_s must be 0.1 to 300, as Settings requires."
  }
}

variable "db_pool_size" {
  type        = number
  description = "DB_POOL_SIZE: connections per process (plus as many overflow); 4 + 4 covers the 8 threads of a pod."
  default     = 4

  validation {
    condition     = var.db_pool_size >= 1 && var.db_pool_size <= 200
    error_message = "db_pool_size must be between 1 and 200, as Settings requires."
  }
}

variable "db_connect_timeout_s" {
  type        = number
  description = "DB_CONNECT_TIMEOUT_S: seconds to open a database connection before answering 503."
  default     = 5

  validation {
    condition     = var.db_connect_timeout_s > 0 && var.db_connect_timeout_s <= 60
    error_message = "db_connect_timeout_s must be above 0 and at most 60, as Settings requires."
  }
}

variable "db_statement_timeout_s" {
  type        = number
  description = "DB_STATEMENT_TIMEOUT_S: seconds a statement, lock or pooled connection may wait before answering 503."
  default     = 10

  validation {
    condition     = var.db_statement_timeout_s > 0 && var.db_statement_timeout_s <= 600
    error_message = "db_statement_timeout_s must be above 0 and at most 600, as Settings requires."
  }
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of the JSON logs."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "resend_api_url" {
  type        = string
  description = "RESEND_API_URL: base URL of the Resend API; empty uses Resend's own."
  default     = ""

  validation {
    condition     = var.resend_api_url == "" || can(regex("^https?://", var.resend_api_url))
    error_message = "resend_api_url must be empty or an http(s) URL."
  }
}

variable "aws_region" {
  type        = string
  description = "AWS_REGION: set to send reminder emails through Amazon SES in that region (credentials from the pod's AWS identity); empty uses Resend."
  default     = ""

  validation {
    condition     = var.aws_region == "" || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be empty or an AWS region such as eu-west-1."
  }
}

variable "email_from" {
  type        = string
  description = "EMAIL_FROM: sender of reminder emails; null means \"TaskAI <reminders@PUBLIC_HOST>\"."
  default     = null
  nullable    = true

  validation {
    condition     = var.email_from == null || can(regex("@", var.email_from))
    error_message = "email_from must contain an email address."
  }
}

variable "reminder_missed_after_minutes" {
  type        = number
  description = "REMINDER_MISSED_AFTER_MINUTES: a reminder this late is recorded as missed instead of sent."
  default     = 1440

  validation {
    condition     = var.reminder_missed_after_minutes >= 1
    error_message = "reminder_missed_after_minutes must be at least 1, as Settings requires."
  }
}

variable "openai_base_url" {
  type        = string
  description = "OPENAI_BASE_URL: an OpenAI-compatible API; empty uses OpenAI's own."
  default     = ""

  validation {
    condition     = var.openai_base_url == "" || can(regex("^https?://", var.openai_base_url))
    error_message = "openai_base_url must be empty or an http(s) URL."
  }
}

variable "openai_model" {
  type        = string
  description = "OPENAI_MODEL: the model of natural-language quick add."
  default     = "gpt-4o-mini"

  validation {
    condition     = length(var.openai_model) > 0
    error_message = "openai_model must not be empty."
  }
}

variable "ai_timeout_s" {
  type        = number
  description = "AI_TIMEOUT_S: seconds to wait for OpenAI before falling back to the rule-based parser."
  default     = 8

  validation {
    condition     = var.ai_timeout_s > 0 && var.ai_timeout_s <= 60
    error_message = "ai_timeout_s must be above 0 and at most 60, as Settings requires."
  }
}

variable "webhook_allow_hosts" {
  type        = string
  description = "WEBHOOK_ALLOW_HOSTS: comma-separated hosts webhooks may reach at any address, and over plain http; empty: none."
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9.:,\\[\\]-]*$", var.webhook_allow_hosts))
    error_message = "webhook_allow_hosts must be host names or addresses separated by commas."
  }
}

variable "webhook_allow_private" {
  type        = bool
  description = "WEBHOOK_ALLOW_PRIVATE: let webhooks reach private, loopback and link-local addresses (SSRF off)."
  default     = false
}

variable "stream_heartbeat_s" {
  type        = number
  description = "STREAM_HEARTBEAT_S: seconds between a live stream's heartbeats, at each of which the caller is checked again."
  default     = 15

  validation {
    condition     = var.stream_heartbeat_s > 0 && var.stream_heartbeat_s <= 300
    error_message = "stream_heartbeat_s must be above 0 and at most 300, as Settings requires."
  }
}

variable "stream_lifetime_s" {
  type        = number
  description = "STREAM_LIFETIME_S: seconds a live stream stays open before the client reconnects (below the stream Service's timeoutSeconds)."
  default     = 60

  validation {
    condition     = var.stream_lifetime_s > 0 && var.stream_lifetime_s <= 3600
    error_message = "stream_lifetime_s must be above 0 and at most 3600, as Settings requires."
  }
}

variable "stream_poll_s" {
  type        = number
  description = "STREAM_POLL_S: seconds between a live stream's checks for changes made by other processes."
  default     = 0.5

  validation {
    condition     = var.stream_poll_s >= 0.05 && var.stream_poll_s <= 10
    error_message = "stream_poll_s must be from 0.05 to 10, as Settings requires."
  }
}

variable "stream_max_per_process" {
  type        = number
  description = "STREAM_MAX_PER_PROCESS: live streams one process holds (a thread each) before answering 503."
  default     = 8

  validation {
    condition     = var.stream_max_per_process >= 0 && var.stream_max_per_process <= 1000 && floor(var.stream_max_per_process) == var.stream_max_per_process
    error_message = "stream_max_per_process must be a whole number from 0 to 1000, as Settings requires."
  }
}

variable "stream_max_per_user" {
  type        = number
  description = "STREAM_MAX_PER_USER: live streams one account holds per process before answering 503."
  default     = 4

  validation {
    condition     = var.stream_max_per_user >= 0 && var.stream_max_per_user <= 100 && floor(var.stream_max_per_user) == var.stream_max_per_user
    error_message = "stream_max_per_user must be a whole number from 0 to 100, as Settings requires."
  }
}

# Web Push reminders: the VAPID key pair's private half (a secret), whom it names, and SSRF.
variable "vapid_private_key" {
  type        = string
  description = "VAPID_PRIVATE_KEY: the P-256 key that signs Web Push reminders, PEM or base64url (e.g. openssl ecparam -name prime256v1 -genkey -noout); empty turns push off. Changing it invalidates every browser subscription."
  sensitive   = true
  default     = ""

  validation {
    condition     = can(regex("^(|-----BEGIN (EC )?PRIVATE KEY-----[A-Za-z0-9+/=\\s]+-----END (EC )?PRIVATE KEY-----|[A-Za-z0-9_-]{40,}={0,2})$", trimspace(var.vapid_private_key)))
    error_message = "vapid_private_key must be empty, a PEM private key (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY) or a base64url key."
  }
}

variable "vapid_subject" {
  type        = string
  description = "VAPID_SUBJECT: mailto: or https: contact that push services may use about this server's pushes; required with vapid_private_key."
  default     = ""

  validation {
    condition     = can(regex("^(|mailto:.+|https://.+)$", var.vapid_subject))
    error_message = "vapid_subject must be empty, a mailto: or an https:// URL."
  }
}

variable "push_allow_hosts" {
  type        = string
  description = "PUSH_ALLOW_HOSTS: comma-separated push-service hosts reachable at any address, and over plain http; empty: none."
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9.:,\\[\\]-]*$", var.push_allow_hosts))
    error_message = "push_allow_hosts must be host names or addresses separated by commas."
  }
}

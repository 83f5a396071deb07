variable "knative_version" {
  type        = string
  description = "Knative release (Serving, Eventing, net-gateway-api and the Kafka source), e.g. 1.23.0; its release YAMLs are applied."
  default     = "1.23.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.knative_version))
    error_message = "knative_version must look like 1.23.0."
  }
}

variable "envoy_gateway_version" {
  type        = string
  description = "Envoy Gateway Helm chart version: the Gateway API implementation (and the Gateway API CRDs) that Knative's net-gateway-api and the public origin use."
  default     = "v1.10.0"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.envoy_gateway_version))
    error_message = "envoy_gateway_version must look like v1.10.0."
  }
}

variable "cert_manager_version" {
  type        = string
  description = "cert-manager Helm chart version; it issues the public origin's TLS certificate."
  default     = "v1.19.1"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.cert_manager_version))
    error_message = "cert_manager_version must look like v1.19.1."
  }
}

variable "strimzi_version" {
  type        = string
  description = "Strimzi operator Helm chart version; 1.0.0 or later serves only the kafka.strimzi.io/v1 API the manifests use."
  default     = "1.0.0"

  validation {
    condition     = can(regex("^[1-9][0-9]*\\.[0-9]+\\.[0-9]+$", var.strimzi_version))
    error_message = "strimzi_version must be 1.0.0 or later (the v1beta2 API is gone)."
  }
}

variable "cloudnative_pg_version" {
  type        = string
  description = "CloudNativePG operator Helm chart version (used only when external_database_url is null)."
  default     = "0.26.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.cloudnative_pg_version))
    error_message = "cloudnative_pg_version must look like 0.26.1."
  }
}

variable "kafka_replicas" {
  type        = number
  description = "Kafka nodes (KRaft, each both controller and broker); topics get min(3, this) replicas."
  default     = 3

  validation {
    condition     = var.kafka_replicas == 1 || (var.kafka_replicas >= 3 && var.kafka_replicas <= 9)
    error_message = "kafka_replicas must be 1 (development) or 3 to 9 (a KRaft quorum that survives a node)."
  }
}

variable "kafka_storage_size" {
  type        = string
  description = "Persistent volume size of each Kafka node, e.g. 20Gi."
  default     = "20Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|Ti)$", var.kafka_storage_size))
    error_message = "kafka_storage_size must be a quantity such as 20Gi."
  }
}

variable "external_database_url" {
  type        = string
  description = "PostgreSQL URL of an existing database (postgresql://user:password@host:5432/db). Null: run a CloudNativePG cluster in the cluster instead."
  default     = null
  nullable    = true
  sensitive   = true

  validation {
    condition     = var.external_database_url == null || can(regex("^postgres(ql)?://", var.external_database_url))
    error_message = "external_database_url must start with postgresql:// or postgres://."
  }
}

variable "postgres_instances" {
  type        = number
  description = "CloudNativePG instances (1 primary, the rest streaming replicas that take over on failure)."
  default     = 2

  validation {
    condition     = var.postgres_instances >= 1 && var.postgres_instances <= 5
    error_message = "postgres_instances must be between 1 and 5."
  }
}

variable "postgres_storage_size" {
  type        = string
  description = "Persistent volume size of each PostgreSQL instance, e.g. 20Gi."
  default     = "20Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|Ti)$", var.postgres_storage_size))
    error_message = "postgres_storage_size must be a quantity such as 20Gi."
  }
}

variable "postgres_max_connections" {
  type        = number
  description = "PostgreSQL max_connections: at least the sum over functions of max-scale x WORKERS x 2 x DB_POOL_SIZE (see docs/deploy.md)."
  default     = 400

  validation {
    condition     = var.postgres_max_connections >= 50 && var.postgres_max_connections <= 5000
    error_message = "postgres_max_connections must be between 50 and 5000."
  }
}

variable "acme_email" {
  type        = string
  description = "Contact email for Let's Encrypt certificates of the public origin. Null: a self-signed issuer (development)."
  default     = null
  nullable    = true

  validation {
    condition     = var.acme_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.acme_email))
    error_message = "acme_email must be an email address."
  }
}

variable "postgres_backup_destination" {
  type        = string
  description = "Object store path of the CloudNativePG backups (base backups and WAL archive), e.g. s3://taskai-backups/postgres. Null: no scheduled backups (use `taskai backup`)."
  default     = null
  nullable    = true

  validation {
    condition     = var.postgres_backup_destination == null || can(regex("^(s3|gs|https)://", var.postgres_backup_destination))
    error_message = "postgres_backup_destination must be an s3://, gs:// or https:// (Azure) path."
  }
}

variable "postgres_backup_store_access" {
  type        = string
  description = "Name of the Secret, in the database namespace, holding ACCESS_KEY_ID and ACCESS_SECRET_KEY of the backup object store."
  default     = "taskai-backup-store"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?$", var.postgres_backup_store_access))
    error_message = "postgres_backup_store_access must be a Kubernetes object name."
  }
}

variable "postgres_backup_schedule" {
  type        = string
  description = "When CloudNativePG takes a base backup: a cron expression with seconds (six fields); daily at 03:00 by default."
  default     = "0 0 3 * * *"

  validation {
    condition     = length(split(" ", var.postgres_backup_schedule)) == 6
    error_message = "postgres_backup_schedule must have six fields (seconds first), e.g. \"0 0 3 * * *\"."
  }
}

variable "postgres_backup_retention" {
  type        = string
  description = "How long backups and archived WAL are kept (CloudNativePG retentionPolicy), e.g. 30d, 8w or 6m."
  default     = "30d"

  validation {
    condition     = can(regex("^[1-9][0-9]*[dwm]$", var.postgres_backup_retention))
    error_message = "postgres_backup_retention must be a number of days, weeks or months, e.g. 30d."
  }
}

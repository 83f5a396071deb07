# TaskAI itself: its namespace, the Settings as a ConfigMap and a Secret (keys: the Settings
# field names, upper-cased), the database migration, then knative/overlays/<environment>
# applied as it is in the repository (one source of truth), with this module's image and host.

locals {
  namespace       = "taskai" # the namespace of knative/base/kustomization.yaml
  image_is_digest = startswith(var.image_tag, "sha256:")
  image           = local.image_is_digest ? "${var.image_repository}@${var.image_tag}" : "${var.image_repository}:${var.image_tag}"
  labels = {
    "app.kubernetes.io/part-of"    = "taskai"
    "app.kubernetes.io/managed-by" = "terraform"
  }
}

resource "kubernetes_namespace_v1" "taskai" {
  metadata {
    name   = local.namespace
    labels = local.labels
    annotations = {
      "taskai/platform" = var.platform_ready
    }
  }
}

resource "kubernetes_secret_v1" "settings" {
  metadata {
    name      = "taskai-secrets"
    namespace = kubernetes_namespace_v1.taskai.metadata[0].name
    labels    = local.labels
  }
  data = {
    DATABASE_URL   = var.database_url
    JWT_SECRET     = var.jwt_secret
    RESEND_API_KEY = var.resend_api_key
    OPENAI_API_KEY = var.openai_api_key
    EVENTS_TOKEN   = random_password.events_token.result
    # Web Push reminders: read only by auth and notifications; empty: push off.
    VAPID_PRIVATE_KEY = var.vapid_private_key
  }

  lifecycle {
    precondition {
      condition     = var.vapid_private_key == "" || var.vapid_subject != ""
      error_message = "vapid_subject is required when vapid_private_key is set (push services need a contact)."
    }
  }
}

# The event functions' shared secret (beside their sources' OIDC identity): what an operator's
# `taskai redrive` presents; read it from the taskai-secrets Secret.
resource "random_password" "events_token" {
  length  = 48
  special = false
}

resource "kubernetes_config_map_v1" "settings" {
  metadata {
    name      = "taskai-config"
    namespace = kubernetes_namespace_v1.taskai.metadata[0].name
    labels    = local.labels
  }
  data = {
    KAFKA_BOOTSTRAP_SERVERS = var.kafka_bootstrap_servers
    PUBLIC_URL              = "https://${var.public_host}"
    JWT_ISSUER              = var.jwt_issuer
    JWT_AUDIENCE            = var.jwt_audience
    JWT_TTL_SECONDS         = tostring(var.jwt_ttl_seconds)
    BCRYPT_ROUNDS           = tostring(var.bcrypt_rounds)
    MAX_BODY_BYTES          = tostring(var.max_body_bytes)
    READ_TIMEOUT_S          = tostring(var.read_timeout_s)
    DB_POOL_SIZE            = tostring(var.db_pool_size)
    DB_CONNECT_TIMEOUT_S    = tostring(var.db_connect_timeout_s)
    DB_STATEMENT_TIMEOUT_S  = tostring(var.db_statement_timeout_s)
    LOG_LEVEL               = var.log_level
    # Unset in Settings when empty: Resend's own URL, no SES, OpenAI's own URL.
    RESEND_API_URL                = var.resend_api_url
    AWS_REGION                    = var.aws_region
    EMAIL_FROM                    = coalesce(var.email_from, "TaskAI <reminders@${var.public_host}>")
    REMINDER_MISSED_AFTER_MINUTES = tostring(var.reminder_missed_after_minutes)
    OPENAI_BASE_URL               = var.openai_base_url
    OPENAI_MODEL                  = var.openai_model
    AI_TIMEOUT_S                  = tostring(var.ai_timeout_s)
    # Login throttling's client address, and event ingress (each event function's audience
    # is set on its own Service).
    TRUSTED_PROXY_HOPS   = tostring(var.trusted_proxy_hops)
    EVENTS_OIDC_ISSUER   = var.events_oidc_issuer
    EVENTS_OIDC_JWKS_URL = var.events_oidc_jwks_url
    EVENTS_OIDC_SUBJECTS = var.events_oidc_subjects
    # Webhooks: where deliveries may go besides public https URLs (SSRF allow-list).
    WEBHOOK_ALLOW_HOSTS   = var.webhook_allow_hosts
    WEBHOOK_ALLOW_PRIVATE = tostring(var.webhook_allow_private)
    # Live push: each stream's heartbeat, poll and lifetime, and how many one process holds
    # (the stream Service sets its own per-process bound, to match its threads).
    STREAM_HEARTBEAT_S     = tostring(var.stream_heartbeat_s)
    STREAM_LIFETIME_S      = tostring(var.stream_lifetime_s)
    STREAM_POLL_S          = tostring(var.stream_poll_s)
    STREAM_MAX_PER_PROCESS = tostring(var.stream_max_per_process)
    STREAM_MAX_PER_USER    = tostring(var.stream_max_per_user)
    # Web Push reminders: the contact in each push's VAPID claim, and push-service hosts
    # reachable at any address (SSRF allow-list). VAPID_PUBLIC_KEY stays unset (derived).
    VAPID_SUBJECT    = var.vapid_subject
    PUSH_ALLOW_HOSTS = var.push_allow_hosts
  }
}

# `taskai migrate` with the new image before any function runs it; a new image is a new Job.
resource "kubernetes_job_v1" "migrate" {
  metadata {
    name      = "taskai-migrate-${substr(sha256(local.image), 0, 10)}"
    namespace = kubernetes_namespace_v1.taskai.metadata[0].name
    labels    = merge(local.labels, { "app.kubernetes.io/component" = "migrate" })
  }
  spec {
    backoff_limit              = 3
    ttl_seconds_after_finished = 86400
    template {
      metadata {
        labels = merge(local.labels, { "app.kubernetes.io/component" = "migrate" })
      }
      spec {
        restart_policy                  = "Never"
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name              = "migrate"
          image             = local.image
          image_pull_policy = "Always"
          command           = ["taskai", "migrate"]
          env {
            name = "DATABASE_URL"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.settings.metadata[0].name
                key  = "DATABASE_URL"
              }
            }
          }
          env {
            name = "JWT_SECRET"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.settings.metadata[0].name
                key  = "JWT_SECRET"
              }
            }
          }
          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.settings.metadata[0].name
            }
          }
          resources {
            requests = {
              cpu    = "100m"
              memory = "256Mi"
            }
            limits = {
              cpu    = "1"
              memory = "512Mi"
            }
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            privileged                 = false
            capabilities {
              drop = ["ALL"]
            }
          }
        }
      }
    }
  }
  wait_for_completion = true
  timeouts {
    create = "10m"
    update = "10m"
  }
}

# knative/overlays/<environment>, rendered by kustomize inside the provider, with the image and
# the public host of this environment.
data "kustomization_overlay" "taskai" {
  resources = [abspath("${path.module}/../../../knative/overlays/${var.environment}")]

  images {
    name     = "taskai"
    new_name = var.image_repository
    new_tag  = local.image_is_digest ? null : var.image_tag
    digest   = local.image_is_digest ? var.image_tag : null
  }

  patches {
    target {
      kind = "Gateway"
      name = "taskai"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/listeners/0/hostname", value = var.public_host },
      { op = "replace", path = "/spec/listeners/1/hostname", value = var.public_host },
    ])
  }

  patches {
    target {
      kind = "HTTPRoute"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/hostnames", value = [var.public_host] },
    ])
  }

  kustomize_options {
    load_restrictor = "none"
  }
}

# Applied in kustomize's priority order: namespaced config first, then the Services, then what
# points at them (sources, routes).
resource "kustomization_resource" "p0" {
  for_each   = data.kustomization_overlay.taskai.ids_prio[0]
  manifest   = data.kustomization_overlay.taskai.manifests[each.value]
  depends_on = [kubernetes_job_v1.migrate]
}

resource "kustomization_resource" "p1" {
  for_each   = data.kustomization_overlay.taskai.ids_prio[1]
  manifest   = data.kustomization_overlay.taskai.manifests[each.value]
  depends_on = [kustomization_resource.p0]
}

resource "kustomization_resource" "p2" {
  for_each   = data.kustomization_overlay.taskai.ids_prio[2]
  manifest   = data.kustomization_overlay.taskai.manifests[each.value]
  depends_on = [kustomization_resource.p1]
}

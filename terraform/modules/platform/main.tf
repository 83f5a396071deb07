# The platform TaskAI runs on: a Gateway API implementation (Envoy Gateway) with cert-manager,
# Knative Serving (net-gateway-api) and Eventing with the Kafka source, Strimzi with a KRaft
# Kafka cluster, and PostgreSQL (CloudNativePG, or an external URL).

locals {
  app_namespace      = "taskai" # the namespace of knative/base/kustomization.yaml
  kafka_namespace    = "kafka"
  kafka_cluster      = "taskai"
  postgres_namespace = "postgres"
  postgres_cluster   = "taskai-db"
  gateway_namespace  = "envoy-gateway-system"
  gateway_class      = "envoy"
  local_gateway      = "knative-local-gateway"
  external_gateway   = "knative-external-gateway"
  # Whether a URL is set is not the secret (the URL is): for_each and count may not depend on a
  # sensitive value, so only this boolean is unmarked.
  run_postgres = nonsensitive(var.external_database_url == null)

  knative = "https://github.com/knative"
  knative_releases = {
    serving_crds    = "${local.knative}/serving/releases/download/knative-v${var.knative_version}/serving-crds.yaml"
    serving_core    = "${local.knative}/serving/releases/download/knative-v${var.knative_version}/serving-core.yaml"
    net_gateway_api = "${local.knative}-extensions/net-gateway-api/releases/download/knative-v${var.knative_version}/net-gateway-api.yaml"
    eventing_crds   = "${local.knative}/eventing/releases/download/knative-v${var.knative_version}/eventing-crds.yaml"
    eventing_core   = "${local.knative}/eventing/releases/download/knative-v${var.knative_version}/eventing-core.yaml"
    kafka_control   = "${local.knative}-extensions/eventing-kafka-broker/releases/download/knative-v${var.knative_version}/eventing-kafka-controller.yaml"
    kafka_source    = "${local.knative}-extensions/eventing-kafka-broker/releases/download/knative-v${var.knative_version}/eventing-kafka-source.yaml"
  }

  # Each YAML below is rendered by templatefile(); tests/deploy renders them the same way (with
  # the real Terraform engine) and validates them against the upstream CRD schemas.
  gateways_yaml = templatefile("${path.module}/manifests/gateways.yaml.tftpl", {
    gateway_class     = local.gateway_class
    gateway_namespace = local.gateway_namespace
    local_gateway     = local.local_gateway
    external_gateway  = local.external_gateway
    app_namespace     = local.app_namespace
  })
  issuer_yaml = templatefile("${path.module}/manifests/issuer.yaml.tftpl", {
    acme_email    = var.acme_email == null ? "" : var.acme_email
    app_namespace = local.app_namespace
  })
  kafka_yaml = templatefile("${path.module}/manifests/kafka.yaml.tftpl", {
    cluster           = local.kafka_cluster
    namespace         = local.kafka_namespace
    replicas          = var.kafka_replicas
    storage_size      = var.kafka_storage_size
    replication       = min(var.kafka_replicas, 3)
    min_insync        = var.kafka_replicas >= 3 ? 2 : 1
    watched_namespace = local.app_namespace
  })
  postgres_yaml = templatefile("${path.module}/manifests/postgres.yaml.tftpl", {
    cluster            = local.postgres_cluster
    namespace          = local.postgres_namespace
    instances          = var.postgres_instances
    storage_size       = var.postgres_storage_size
    max_connections    = var.postgres_max_connections
    credentials        = "${local.postgres_cluster}-app-credentials"
    backup_destination = var.postgres_backup_destination
    backup_secret      = var.postgres_backup_store_access
    backup_schedule    = var.postgres_backup_schedule
    backup_retention   = var.postgres_backup_retention
  })
}

# ---- Gateway API (Envoy Gateway) and cert-manager ----

resource "helm_release" "envoy_gateway" {
  name             = "envoy-gateway"
  namespace        = local.gateway_namespace
  create_namespace = true
  repository       = "oci://docker.io/envoyproxy"
  chart            = "gateway-helm"
  version          = var.envoy_gateway_version
  wait             = true
}

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.cert_manager_version
  wait             = true
  values = [yamlencode({
    crds = { enabled = true }
    config = {
      apiVersion       = "controller.config.cert-manager.io/v1alpha1"
      kind             = "ControllerConfiguration"
      enableGatewayAPI = true # certificates for Gateways annotated cert-manager.io/cluster-issuer
    }
  })]
  depends_on = [helm_release.envoy_gateway] # the Gateway API CRDs must exist first
}

data "kubectl_file_documents" "gateways" {
  content = local.gateways_yaml
}

resource "kubectl_manifest" "gateways" {
  for_each          = data.kubectl_file_documents.gateways.manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [helm_release.envoy_gateway, kubectl_manifest.serving_core]
}

data "kubectl_file_documents" "issuer" {
  content = local.issuer_yaml
}

resource "kubectl_manifest" "issuer" {
  for_each          = data.kubectl_file_documents.issuer.manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [helm_release.cert_manager]
}

# ---- Knative: the release YAMLs, applied in order (CRDs, core, networking / sources) ----

data "http" "knative" {
  for_each = local.knative_releases
  url      = each.value

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "Could not download ${self.url} (status ${self.status_code})."
    }
  }
}

data "kubectl_file_documents" "knative" {
  for_each = data.http.knative
  content  = each.value.response_body
}

resource "kubectl_manifest" "serving_crds" {
  for_each          = data.kubectl_file_documents.knative["serving_crds"].manifests
  yaml_body         = each.value
  server_side_apply = true
}

resource "kubectl_manifest" "serving_core" {
  for_each          = data.kubectl_file_documents.knative["serving_core"].manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [kubectl_manifest.serving_crds]
}

resource "kubectl_manifest" "net_gateway_api" {
  for_each          = data.kubectl_file_documents.knative["net_gateway_api"].manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [kubectl_manifest.serving_core, helm_release.envoy_gateway]
}

resource "kubectl_manifest" "eventing_crds" {
  for_each          = data.kubectl_file_documents.knative["eventing_crds"].manifests
  yaml_body         = each.value
  server_side_apply = true
}

resource "kubectl_manifest" "eventing_core" {
  for_each          = data.kubectl_file_documents.knative["eventing_core"].manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [kubectl_manifest.eventing_crds]
}

resource "kubectl_manifest" "kafka_control" {
  for_each          = data.kubectl_file_documents.knative["kafka_control"].manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [kubectl_manifest.eventing_core]
}

resource "kubectl_manifest" "kafka_source" {
  for_each          = data.kubectl_file_documents.knative["kafka_source"].manifests
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [kubectl_manifest.kafka_control]
}

# Knative settings: Gateway API ingress through the gateways above, scale to zero, emptyDir and
# delivery timeouts allowed.
resource "kubernetes_config_map_v1_data" "serving_network" {
  metadata {
    name      = "config-network"
    namespace = "knative-serving"
  }
  data = {
    "ingress-class" = "gateway-api.ingress.networking.knative.dev"
  }
  force      = true
  depends_on = [kubectl_manifest.serving_core]
}

resource "kubernetes_config_map_v1_data" "serving_gateway" {
  metadata {
    name      = "config-gateway"
    namespace = "knative-serving"
  }
  data = {
    "external-gateways" = yamlencode([{
      class   = local.gateway_class
      gateway = "knative-serving/${local.external_gateway}"
      service = "${local.gateway_namespace}/${local.external_gateway}"
    }])
    "local-gateways" = yamlencode([{
      class   = local.gateway_class
      gateway = "knative-serving/${local.local_gateway}"
      service = "${local.gateway_namespace}/${local.local_gateway}"
    }])
  }
  force      = true
  depends_on = [kubectl_manifest.net_gateway_api]
}

resource "kubernetes_config_map_v1_data" "serving_autoscaler" {
  metadata {
    name      = "config-autoscaler"
    namespace = "knative-serving"
  }
  data = {
    "enable-scale-to-zero"       = "true"
    "scale-to-zero-grace-period" = "30s"
  }
  force      = true
  depends_on = [kubectl_manifest.serving_core]
}

resource "kubernetes_config_map_v1_data" "serving_features" {
  metadata {
    name      = "config-features"
    namespace = "knative-serving"
  }
  data = {
    "kubernetes.podspec-volumes-emptydir" = "enabled"
  }
  force      = true
  depends_on = [kubectl_manifest.serving_core]
}

resource "kubernetes_config_map_v1_data" "eventing_features" {
  metadata {
    name      = "config-features"
    namespace = "knative-eventing"
  }
  data = {
    "delivery-timeout" = "enabled" # spec.delivery.timeout of the KafkaSources
  }
  force      = true
  depends_on = [kubectl_manifest.eventing_core]
}

# ---- Kafka: the Strimzi operator and a KRaft cluster with one dual-role node pool ----

resource "helm_release" "strimzi" {
  name             = "strimzi"
  namespace        = local.kafka_namespace
  create_namespace = true
  repository       = "oci://quay.io/strimzi-helm"
  chart            = "strimzi-kafka-operator"
  version          = var.strimzi_version
  wait             = true
  values = [yamlencode({
    # The topic operator watches the app namespace (KafkaTopics live beside the functions),
    # which the taskai module creates later: cluster-wide RBAC instead of per-namespace.
    watchAnyNamespace = true
  })]
}

data "kubectl_file_documents" "kafka" {
  content = local.kafka_yaml
}

resource "kubectl_manifest" "kafka" {
  for_each          = data.kubectl_file_documents.kafka.manifests
  yaml_body         = each.value
  server_side_apply = true
  wait              = true
  depends_on        = [helm_release.strimzi]
}

# ---- PostgreSQL: CloudNativePG with credentials made here, unless an external URL is given ----

resource "helm_release" "cloudnative_pg" {
  count            = local.run_postgres ? 1 : 0
  name             = "cloudnative-pg"
  namespace        = "cnpg-system"
  create_namespace = true
  repository       = "https://cloudnative-pg.github.io/charts"
  chart            = "cloudnative-pg"
  version          = var.cloudnative_pg_version
  wait             = true
}

resource "kubernetes_namespace_v1" "postgres" {
  count = local.run_postgres ? 1 : 0
  metadata {
    name = local.postgres_namespace
  }
}

resource "random_password" "postgres" {
  count   = local.run_postgres ? 1 : 0
  length  = 40
  special = false # it goes into a URL
}

resource "kubernetes_secret_v1" "postgres_credentials" {
  count = local.run_postgres ? 1 : 0
  metadata {
    name      = "${local.postgres_cluster}-app-credentials"
    namespace = kubernetes_namespace_v1.postgres[0].metadata[0].name
  }
  type = "kubernetes.io/basic-auth"
  data = {
    username = "taskai"
    password = random_password.postgres[0].result
  }
}

data "kubectl_file_documents" "postgres" {
  content = local.postgres_yaml
}

resource "kubectl_manifest" "postgres" {
  for_each          = local.run_postgres ? data.kubectl_file_documents.postgres.manifests : {}
  yaml_body         = each.value
  server_side_apply = true
  depends_on        = [helm_release.cloudnative_pg, kubernetes_secret_v1.postgres_credentials]
}

# Everything above, as one value the taskai module waits for (see outputs.tf `ready`).
resource "terraform_data" "ready" {
  input = var.knative_version
  depends_on = [
    kubectl_manifest.gateways,
    kubectl_manifest.issuer,
    kubectl_manifest.net_gateway_api,
    kubectl_manifest.kafka_source,
    kubectl_manifest.kafka,
    kubectl_manifest.postgres,
    kubernetes_config_map_v1_data.serving_network,
    kubernetes_config_map_v1_data.serving_gateway,
    kubernetes_config_map_v1_data.serving_autoscaler,
    kubernetes_config_map_v1_data.serving_features,
    kubernetes_config_map_v1_data.eventing_features,
  ]
}

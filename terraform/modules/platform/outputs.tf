output "kafka_bootstrap_servers" {
  description = "Plain-text bootstrap address of the Kafka cluster, for KAFKA_BOOTSTRAP_SERVERS and the KafkaSources."
  value       = "${local.kafka_cluster}-kafka-bootstrap.${local.kafka_namespace}.svc:9092"
}

output "database_url" {
  description = "PostgreSQL URL for DATABASE_URL: the external one, or the CloudNativePG cluster's read-write service."
  sensitive   = true
  value = local.run_postgres ? format(
    "postgresql://taskai:%s@%s-rw.%s.svc:5432/taskai",
    random_password.postgres[0].result, local.postgres_cluster, local.postgres_namespace,
  ) : var.external_database_url
}

output "gateway_class" {
  description = "GatewayClass of the public Gateway (knative/base/public-route.yaml spec.gatewayClassName)."
  value       = local.gateway_class
}

output "local_gateway_service" {
  description = "namespace/name of Knative's cluster-local gateway Service, the backend of the public HTTPRoute."
  value       = "${local.gateway_namespace}/${local.local_gateway}"
}

output "ready" {
  description = "Known once the whole platform is applied; the taskai module waits for it before creating anything."
  value       = terraform_data.ready.id
}

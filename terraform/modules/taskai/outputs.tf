output "public_url" {
  description = "The one public origin: the web app at /, the API under /api."
  value       = "https://${var.public_host}"
}

output "namespace" {
  description = "Namespace of the functions, their sources and topics."
  value       = kubernetes_namespace_v1.taskai.metadata[0].name
}

output "image" {
  description = "The image reference every function and the migration Job run."
  value       = local.image
}

output "migration_job" {
  description = "Name of the Job that migrated the database for this image (kubectl logs job/<name>)."
  value       = kubernetes_job_v1.migrate.metadata[0].name
}

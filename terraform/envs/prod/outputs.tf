output "public_url" {
  description = "The public origin of TaskAI."
  value       = module.taskai.public_url
}

output "image" {
  description = "The image every function runs."
  value       = module.taskai.image
}

output "migration_job" {
  description = "The Job that migrated the database for this image."
  value       = module.taskai.migration_job
}

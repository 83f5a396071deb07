# Production: three Kafka nodes, PostgreSQL with a standby, Let's Encrypt certificates.

provider "kubernetes" {
  config_path    = var.kubeconfig
  config_context = var.kube_context
}

provider "helm" {
  kubernetes = {
    config_path    = var.kubeconfig
    config_context = var.kube_context
  }
}

provider "kubectl" {
  config_path      = var.kubeconfig
  config_context   = var.kube_context
  load_config_file = true
}

provider "kustomization" {
  kubeconfig_path = var.kubeconfig
  context         = var.kube_context
}

module "platform" {
  source = "../../modules/platform"

  kafka_replicas        = 3
  kafka_storage_size    = "50Gi"
  postgres_instances    = 2
  postgres_storage_size = "50Gi"
  external_database_url = var.external_database_url
  acme_email            = var.acme_email
}

module "taskai" {
  source = "../../modules/taskai"

  environment             = "prod"
  platform_ready          = module.platform.ready
  image_repository        = var.image_repository
  image_tag               = var.image_tag
  public_host             = var.public_host
  database_url            = module.platform.database_url
  kafka_bootstrap_servers = module.platform.kafka_bootstrap_servers
  jwt_secret              = var.jwt_secret
  resend_api_key          = var.resend_api_key
  openai_api_key          = var.openai_api_key
  vapid_private_key       = var.vapid_private_key
  vapid_subject           = var.vapid_subject
}

variable "kubeconfig" {
  type        = string
  description = "Path of the kubeconfig file of the target cluster."
  default     = "~/.kube/config"
}

variable "kube_context" {
  type        = string
  description = "Context in the kubeconfig to use; null uses its current context."
  default     = null
  nullable    = true
}

variable "image_repository" {
  type        = string
  description = "Repository of the TaskAI image, e.g. ghcr.io/acme/taskai."
}

variable "image_tag" {
  type        = string
  description = "Tag or sha256 digest of the TaskAI image to run; change it to roll out a new version."
}

variable "public_host" {
  type        = string
  description = "Host name of the public origin; point its DNS record at the public Gateway's address."
}

variable "jwt_secret" {
  type        = string
  description = "HS256 signing key of the access tokens, 32+ characters (e.g. openssl rand -base64 48)."
  sensitive   = true
}

variable "resend_api_key" {
  type        = string
  description = "Resend API key for reminder emails; empty logs reminders instead."
  sensitive   = true
  default     = ""
}

variable "openai_api_key" {
  type        = string
  description = "OpenAI API key for natural-language quick add; empty uses the rule-based parser."
  sensitive   = true
  default     = ""
}

variable "vapid_private_key" {
  type        = string
  description = "P-256 key signing Web Push reminders, PEM or base64url (vapid --gen, or openssl ecparam -name prime256v1 -genkey -noout); empty: push off."
  sensitive   = true
  default     = ""
}

variable "vapid_subject" {
  type        = string
  description = "mailto: or https: contact for push services; required with vapid_private_key."
  default     = ""
}

variable "external_database_url" {
  type        = string
  description = "URL of an existing PostgreSQL database; null runs a CloudNativePG cluster."
  sensitive   = true
  default     = null
  nullable    = true
}

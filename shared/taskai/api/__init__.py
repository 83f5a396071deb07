"""The HTTP API: its models, its operations, and the machinery the functions share."""

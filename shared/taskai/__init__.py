"""TaskAI: the domain library shared by every function."""

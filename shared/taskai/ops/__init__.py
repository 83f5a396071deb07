"""Operator tools for a deployed TaskAI (`taskai cluster`); the kubernetes client loads lazily."""

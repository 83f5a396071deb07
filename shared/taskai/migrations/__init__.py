"""Alembic migrations of the TaskAI schema (PostgreSQL and SQLite)."""

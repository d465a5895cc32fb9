"""The articles service."""

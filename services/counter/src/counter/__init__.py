"""The counter service."""

"""Shared kit of the portal services: settings, logs, HTTP conventions, Redis, events, bus."""

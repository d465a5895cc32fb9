"""Backups of the portal's stores: a PostgreSQL dump and a Redis snapshot, taken together
on a schedule into a folder or an S3 bucket, and restored by one command.

``python -m portalkit.backup run|once|list|check|restore`` (see ``__main__``).
"""

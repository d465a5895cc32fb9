"""The newsroom: the editors' desk, with its own users, roles, sessions and audit log.

The app is built by :func:`newsroom.app.create_app`; operators run
``python -m newsroom.manage``.
"""

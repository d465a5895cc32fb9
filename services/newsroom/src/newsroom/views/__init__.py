"""The newsroom's pages, one blueprint per area."""

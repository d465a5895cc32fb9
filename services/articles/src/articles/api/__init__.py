"""HTTP resources of the articles service and their schemas."""

"""Application services: one per use case; each call is one unit of work."""

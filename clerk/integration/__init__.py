"""Glue between the services and the outside world (the print integration)."""

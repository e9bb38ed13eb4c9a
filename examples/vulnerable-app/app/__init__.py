"""Inventory service: a deliberately insecure demo target for controlgate.

Nothing in this package is safe to run. See ../README.md.
"""

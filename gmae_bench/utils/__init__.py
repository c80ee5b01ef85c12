"""Helpers: config loading, checkpoints, result files."""

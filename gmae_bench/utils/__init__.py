"""Helpers below the engine: checkpoint reading, hashing and strict
loading (:mod:`.checkpoint`)."""

"""Nightly regeneration: fetch, validate, build, check, guard, publish atomically, report what changed."""

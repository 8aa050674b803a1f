"""Content-hash cache of pipeline stages: a stage reruns only when what it reads changes (see stages.py)."""

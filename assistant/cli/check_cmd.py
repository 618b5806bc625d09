"""Commands: see assistant/cli/__init__.py."""

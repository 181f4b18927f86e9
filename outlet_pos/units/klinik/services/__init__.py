"""The clinic's business actions, callable without a request (views, CLI, tests)."""

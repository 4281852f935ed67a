"""Custom integrations (namespace for tests and tooling)."""

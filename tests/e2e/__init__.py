"""Browser tests: the real Home Assistant frontend in Chromium against the simulated hubs."""

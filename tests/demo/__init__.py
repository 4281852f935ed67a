"""`scripts/demo`: simulated hubs and a real Home Assistant with HubRelay in it."""

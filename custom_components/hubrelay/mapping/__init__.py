"""Data-driven translation of hub models (Loxone controls, Ezlo items, Vera devices) to entities."""

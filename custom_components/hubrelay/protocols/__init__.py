"""Hub protocol libraries: pure asyncio, typed, and free of Home Assistant imports."""

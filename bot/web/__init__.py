"""aiohttp application: simulator page and API, read API, health."""

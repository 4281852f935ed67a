"""Constants shared by the HubRelay integration."""

from typing import Final

DOMAIN: Final = "hubrelay"

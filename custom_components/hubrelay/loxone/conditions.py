"""Map the Loxone weather service's weather type codes to Home Assistant conditions.

The codes (1-29, 8 and 9 unused) are those of the Loxone weather service; the structure file
only carries their localised names (`weatherServer.weatherTypeTexts`).
"""

from __future__ import annotations

from homeassistant.components.weather import (
    ATTR_CONDITION_CLEAR_NIGHT,
    ATTR_CONDITION_CLOUDY,
    ATTR_CONDITION_FOG,
    ATTR_CONDITION_LIGHTNING_RAINY,
    ATTR_CONDITION_PARTLYCLOUDY,
    ATTR_CONDITION_POURING,
    ATTR_CONDITION_RAINY,
    ATTR_CONDITION_SNOWY,
    ATTR_CONDITION_SNOWY_RAINY,
    ATTR_CONDITION_SUNNY,
)

_CONDITIONS: dict[int, str] = {
    1: ATTR_CONDITION_SUNNY,  # clear sky
    2: ATTR_CONDITION_SUNNY,  # mostly clear
    3: ATTR_CONDITION_PARTLYCLOUDY,
    4: ATTR_CONDITION_CLOUDY,  # heavy cloud cover
    5: ATTR_CONDITION_CLOUDY,  # overcast
    6: ATTR_CONDITION_FOG,
    7: ATTR_CONDITION_FOG,  # high fog
    10: ATTR_CONDITION_RAINY,  # light rain
    11: ATTR_CONDITION_RAINY,
    12: ATTR_CONDITION_POURING,  # heavy rain
    13: ATTR_CONDITION_RAINY,  # drizzle
    14: ATTR_CONDITION_SNOWY_RAINY,  # light freezing rain
    15: ATTR_CONDITION_SNOWY_RAINY,  # heavy freezing rain
    16: ATTR_CONDITION_RAINY,  # light rain showers
    17: ATTR_CONDITION_POURING,  # heavy rain showers
    18: ATTR_CONDITION_LIGHTNING_RAINY,  # thunderstorm
    19: ATTR_CONDITION_LIGHTNING_RAINY,  # heavy thunderstorm
    20: ATTR_CONDITION_SNOWY,
    21: ATTR_CONDITION_SNOWY,
    22: ATTR_CONDITION_SNOWY,
    23: ATTR_CONDITION_SNOWY,  # light snow showers
    24: ATTR_CONDITION_SNOWY,  # heavy snow showers
    25: ATTR_CONDITION_SNOWY_RAINY,  # light sleet
    26: ATTR_CONDITION_SNOWY_RAINY,
    27: ATTR_CONDITION_SNOWY_RAINY,
    28: ATTR_CONDITION_SNOWY_RAINY,  # light sleet showers
    29: ATTR_CONDITION_SNOWY_RAINY,  # heavy sleet showers
}


def condition(weather_type: int, *, is_daytime: bool = True) -> str | None:
    """Return the HA condition for a Loxone weather type, or None for an unknown code."""
    result = _CONDITIONS.get(weather_type)
    if result == ATTR_CONDITION_SUNNY and not is_daytime:
        return ATTR_CONDITION_CLEAR_NIGHT
    return result

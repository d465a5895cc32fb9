"""OpenWeatherMap's condition ids (openweathermap.org/weather-conditions) as our codes.

Each documented id gets the code of conditions.py that says the same thing: WMO 4677
where it has one (intensities kept, so "light", "moderate" and "heavy" stay apart),
our own (100 and above) where it has none. Cloud amounts follow the cover thresholds
Open-Meteo uses for codes 0-3 (under 20 %, 50 %, 80 %, above), so both providers
name the same sky alike.
"""

from __future__ import annotations

OWM_TO_CODE: dict[int, int] = {
    # thunderstorm, with or without rain or drizzle
    200: 95,
    201: 95,
    202: 95,
    210: 95,
    211: 95,
    212: 95,
    221: 95,
    230: 95,
    231: 95,
    232: 95,
    # drizzle, and drizzle with rain
    300: 51,
    301: 53,
    302: 55,
    310: 58,
    311: 59,
    312: 59,
    313: 81,
    314: 82,
    321: 80,
    # rain
    500: 61,
    501: 63,
    502: 65,
    503: 65,
    504: 65,
    511: 66,
    520: 80,
    521: 81,
    522: 82,
    531: 81,
    # snow, sleet, rain and snow
    600: 71,
    601: 73,
    602: 75,
    611: 69,
    612: 83,
    613: 84,
    615: 68,
    616: 69,
    620: 85,
    621: 86,
    622: 86,
    # what the air carries
    701: 10,
    711: 4,
    721: 5,
    731: 8,
    741: 45,
    751: 7,
    761: 6,
    762: 104,
    771: 18,
    781: 19,
    # sky: clear 0-10 %, few 11-25 %, scattered 25-50 %, broken 51-84 %, overcast 85-100 %
    800: 0,
    801: 1,
    802: 1,
    803: 2,
    804: 3,
}


def condition_code(owm_id: int | None) -> int | None:
    """Our condition code for an OpenWeatherMap id; None for an undocumented one."""
    return None if owm_id is None else OWM_TO_CODE.get(owm_id)

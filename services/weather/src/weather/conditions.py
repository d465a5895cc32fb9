"""Weather conditions: a code and its Vietnamese and English text.

Codes are WMO 4677 present-weather codes: Open-Meteo's subset (0-99) and the others
OpenWeatherMap's conditions need (haze, dust, squalls, rain and snow, ...). Where WMO
has no code of its own we add one from 100 up and say so beside it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    code: int
    text_vi: str
    text_en: str


_TEXTS: dict[int, tuple[str, str]] = {
    0: ("Trời quang", "Clear sky"),
    1: ("Trời quang, ít mây", "Mainly clear"),
    2: ("Trời có mây", "Partly cloudy"),
    3: ("Trời nhiều mây", "Overcast"),
    4: ("Khói", "Smoke"),
    5: ("Mù khô", "Haze"),
    6: ("Bụi", "Dust"),
    7: ("Gió cuốn bụi, cát", "Blowing dust or sand"),
    8: ("Lốc bụi, cát", "Dust or sand whirls"),
    10: ("Sương mù nhẹ", "Mist"),
    18: ("Tố, gió giật mạnh", "Squalls"),
    19: ("Vòi rồng", "Tornado"),
    45: ("Sương mù", "Fog"),
    48: ("Sương mù kèm sương muối", "Depositing rime fog"),
    51: ("Mưa phùn nhẹ", "Light drizzle"),
    53: ("Mưa phùn", "Moderate drizzle"),
    55: ("Mưa phùn nặng hạt", "Dense drizzle"),
    56: ("Mưa phùn băng giá nhẹ", "Light freezing drizzle"),
    57: ("Mưa phùn băng giá nặng hạt", "Dense freezing drizzle"),
    58: ("Mưa phùn lẫn mưa nhỏ", "Light drizzle and rain"),
    59: ("Mưa phùn lẫn mưa", "Drizzle and rain"),
    61: ("Mưa nhỏ", "Slight rain"),
    63: ("Mưa vừa", "Moderate rain"),
    65: ("Mưa to", "Heavy rain"),
    66: ("Mưa băng giá nhẹ", "Light freezing rain"),
    67: ("Mưa băng giá nặng hạt", "Heavy freezing rain"),
    68: ("Mưa lẫn tuyết nhẹ", "Light rain and snow"),
    69: ("Mưa lẫn tuyết", "Rain and snow"),
    71: ("Tuyết rơi nhẹ", "Slight snow fall"),
    73: ("Tuyết rơi vừa", "Moderate snow fall"),
    75: ("Tuyết rơi dày", "Heavy snow fall"),
    77: ("Tuyết hạt", "Snow grains"),
    80: ("Mưa rào nhẹ", "Slight rain showers"),
    81: ("Mưa rào vừa", "Moderate rain showers"),
    82: ("Mưa rào rất to", "Violent rain showers"),
    83: ("Mưa rào lẫn tuyết nhẹ", "Light showers of rain and snow"),
    84: ("Mưa rào lẫn tuyết", "Showers of rain and snow"),
    85: ("Tuyết rơi từng cơn nhẹ", "Slight snow showers"),
    86: ("Tuyết rơi từng cơn nặng", "Heavy snow showers"),
    95: ("Dông", "Thunderstorm"),
    96: ("Dông kèm mưa đá nhỏ", "Thunderstorm with slight hail"),
    99: ("Dông kèm mưa đá lớn", "Thunderstorm with heavy hail"),
    # Ours: WMO 4677 gives volcanic ash no code of its own (04 lumps it with smoke).
    104: ("Tro núi lửa", "Volcanic ash"),
}

CONDITIONS: dict[int, Condition] = {
    code: Condition(code, vi, en) for code, (vi, en) in _TEXTS.items()
}


def condition_for(code: int | None) -> Condition | None:
    """The condition of a code; None when there is no code or it is not one of ours."""
    if code is None:
        return None
    return CONDITIONS.get(code)

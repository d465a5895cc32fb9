"""Weather conditions from WMO weather interpretation codes (WMO 4677, as Open-Meteo uses them)."""

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
    45: ("Sương mù", "Fog"),
    48: ("Sương mù đóng băng", "Depositing rime fog"),
    51: ("Mưa phùn nhẹ", "Light drizzle"),
    53: ("Mưa phùn", "Moderate drizzle"),
    55: ("Mưa phùn dày hạt", "Dense drizzle"),
    56: ("Mưa phùn băng giá nhẹ", "Light freezing drizzle"),
    57: ("Mưa phùn băng giá dày hạt", "Dense freezing drizzle"),
    61: ("Mưa nhỏ", "Slight rain"),
    63: ("Mưa vừa", "Moderate rain"),
    65: ("Mưa to", "Heavy rain"),
    66: ("Mưa băng giá nhẹ", "Light freezing rain"),
    67: ("Mưa băng giá nặng hạt", "Heavy freezing rain"),
    71: ("Tuyết rơi nhẹ", "Slight snow fall"),
    73: ("Tuyết rơi vừa", "Moderate snow fall"),
    75: ("Tuyết rơi dày", "Heavy snow fall"),
    77: ("Tuyết hạt", "Snow grains"),
    80: ("Mưa rào nhẹ", "Slight rain showers"),
    81: ("Mưa rào vừa", "Moderate rain showers"),
    82: ("Mưa rào rất to", "Violent rain showers"),
    85: ("Mưa tuyết nhẹ", "Slight snow showers"),
    86: ("Mưa tuyết dày", "Heavy snow showers"),
    95: ("Dông", "Thunderstorm"),
    96: ("Dông kèm mưa đá nhỏ", "Thunderstorm with slight hail"),
    99: ("Dông kèm mưa đá lớn", "Thunderstorm with heavy hail"),
}

WMO_CONDITIONS: dict[int, Condition] = {
    code: Condition(code, vi, en) for code, (vi, en) in _TEXTS.items()
}


def condition_for(code: int | None) -> Condition | None:
    """The condition of a WMO code; None when there is no code or it is not a WMO one."""
    if code is None:
        return None
    return WMO_CONDITIONS.get(code)

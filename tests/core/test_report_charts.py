"""The level charts: radar and bar drawings, and their SVG for the dashboard."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cdassess.model import Model
from cdassess.reports.charts import (
    drawing_svg,
    level_bar_drawing,
    level_radar_drawing,
    level_radar_svg,
    wrap_text,
)
from cdassess.reports.fonts import FONT, register_fonts
from cdassess.scoring import LevelReport, Status, compute_levels


def _strings(drawing: object) -> list[str]:
    from reportlab.graphics.shapes import String

    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, String):
            out.append(node.text)
        for child in getattr(node, "contents", []) or []:
            walk(child)

    walk(drawing)
    return out


def _levels(model: Model) -> LevelReport:
    return compute_levels(model, {})


def test_radar_labels_every_domain_in_both_languages(builtin_model: Model) -> None:
    levels = _levels(builtin_model)
    texts = " ".join(_strings(level_radar_drawing(builtin_model, levels, 3, "both")))
    for d in builtin_model.domains:
        assert d.names.zh in texts.replace(" ", "") or d.names.zh[:2] in texts
        assert d.names.en.split()[0] in texts
    assert "Target level (3)" in texts


def test_radar_on_a_two_domain_model_falls_back_to_bars(mini_model: Model) -> None:
    d = level_radar_drawing(mini_model, _levels(mini_model), 2, "en")
    texts = _strings(d)
    assert "Domain A" in texts
    assert "Domain B" in texts
    # axis ticks 0..3 for a 1-3 model
    assert {"0", "1", "2", "3"} <= set(texts)


def test_bar_chart_shows_achieved_values(mini_model: Model) -> None:
    ratings = {r.id: Status.MET for r in mini_model.iter_requirements(2)}
    levels = compute_levels(mini_model, ratings)
    texts = _strings(level_bar_drawing(mini_model, levels, 3, "zh"))
    assert "领域A" in texts
    assert texts.count("2") >= 2  # both domains are at level 2 (plus the tick)


def test_radar_svg_is_valid_and_uses_the_app_font(builtin_model: Model) -> None:
    svg = level_radar_svg(builtin_model, _levels(builtin_model), 3, "zh")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode("utf-8")
    assert FONT in text
    assert "配置管理" in text
    assert "clipPath" not in text  # QtSvg would paint it as a black box


def test_wrap_text_breaks_chinese_anywhere_and_english_between_words() -> None:
    font = register_fonts()
    zh = wrap_text("构建与持续集成构建与持续集成构建与持续集成", font, 10, 40)
    assert len(zh) > 2
    assert all(len(line) <= 4 for line in zh)
    en = wrap_text("Build and continuous integration", font, 10, 60)
    assert " ".join(en) == "Build and continuous integration"
    assert len(en) >= 2


def test_unknown_language_is_refused(mini_model: Model) -> None:
    from cdassess.errors import InvalidValueError

    with pytest.raises(InvalidValueError):
        level_radar_drawing(mini_model, _levels(mini_model), 2, "fr")


def _shapes(drawing: object) -> list[object]:
    out: list[object] = []

    def walk(node: object) -> None:
        contents = getattr(node, "contents", None)
        if contents is None:
            out.append(node)
        for child in contents or []:
            walk(child)

    walk(drawing)
    return out


def test_svg_is_written_without_render_svg_one_element_per_shape(builtin_model: Model,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.graphics import renderSVG

    def refuse(*_: object, **__: object) -> str:
        raise AssertionError("renderSVG used")

    monkeypatch.setattr(renderSVG, "drawToString", refuse)
    drawing = level_radar_drawing(builtin_model, _levels(builtin_model), 3, "both")
    root = ET.fromstring(drawing_svg(drawing))
    ns = "{http://www.w3.org/2000/svg}"
    tags = {"String": "text", "Line": "path", "Polygon": "polygon", "Rect": "rect", "Circle": "circle"}
    expected = [tags[type(s).__name__] for s in _shapes(drawing)]
    written = [e.tag.removeprefix(ns) for e in root.iter() if e.tag.removeprefix(ns) not in ("svg", "g")]
    assert written == expected
    texts = [e.text for e in root.iter(f"{ns}text")]
    assert texts == _strings(drawing)
    assert {e.get("font-family") for e in root.iter(f"{ns}text")} == {FONT}


def test_svg_escapes_markup_in_text() -> None:
    from reportlab.graphics.shapes import Drawing, String

    drawing = Drawing(200, 50)
    drawing.add(String(100, 20, 'R&D <ops> "CI"', fontName=register_fonts(), fontSize=9, textAnchor="middle"))
    root = ET.fromstring(drawing_svg(drawing))
    (text,) = root.iter("{http://www.w3.org/2000/svg}text")
    assert text.text == 'R&D <ops> "CI"'
    assert float(text.get("x", "")) < 100  # centred: starts left of the anchor point

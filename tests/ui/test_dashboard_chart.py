"""The dashboard's chart: the SVG written directly from the ReportLab drawing paints the same picture as
ReportLab's renderSVG did (compared pixel by pixel under QtSvg), and the window keeps recent pictures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from uihelpers import press, select

from cdassess.model import Model
from cdassess.paths import resource
from cdassess.reports import charts
from cdassess.scoring import LevelReport, Status, compute_levels
from cdassess.services import Assessment


@pytest.fixture(scope="module", autouse=True)
def _app_font(qapp: Any) -> None:
    """QtSvg draws the labels with the shipped font, as in the window."""
    assert QFontDatabase.addApplicationFont(str(resource("fonts", "wqy-microhei.ttc"))) >= 0


def _paint(svg: bytes, scale: float) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg))
    assert renderer.isValid()
    size = renderer.defaultSize()
    image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return image


def _grey(image: QImage) -> bytes:
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data, stride, width = bytes(grey.constBits()), grey.bytesPerLine(), grey.width()
    return b"".join(data[y * stride:y * stride + width] for y in range(grey.height()))


def _difference(a: QImage, b: QImage) -> tuple[float, int, int]:
    """(mean difference of grey, pixels whose grey differs by more than 64 of 255, those of them with no pixel
    of a similar grey one pixel around them in the other picture).

    Qt puts each text's baseline on a whole device pixel; a baseline within about 1/64 pixel of the rounding
    point can land on either side, which moves that one line of text by a pixel without anything being wrong.
    The last count forgives exactly that; the second catches the same shift applied to everything."""
    assert a.size() == b.size()
    diff = a.copy()
    painter = QPainter(diff)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Difference)
    painter.drawImage(0, 0, b)
    painter.end()
    delta, ga, gb = _grey(diff), _grey(a), _grey(b)
    width, height = a.width(), a.height()
    over = [m.start() for m in re.finditer(rb"[\x41-\xff]", delta)]

    def matched(i: int, this: bytes, other: bytes) -> bool:
        x, y = i % width, i // width
        return any(abs(this[i] - other[yy * width + xx]) <= 64
                   for yy in range(max(y - 1, 0), min(y + 2, height)) for xx in range(max(x - 1, 0), min(x + 2, width)))

    unmatched = sum(1 for i in over if not (matched(i, ga, gb) and matched(i, gb, ga)))
    return sum(delta) / len(delta), len(over), unmatched


_TEXT_FLIP = re.compile(rb'(<text x="[^"]*" y="([^"]*)".*?transform="translate\(0,)\d+(\) scale\(1,-1\)")')


def _reference(drawing: Any) -> bytes:
    """The old path (ReportLab's renderSVG, as the window used it) with its two deviations from the drawing
    undone: it mirrors each text about ``int(2 * y)`` instead of ``2 * y`` (baselines up to one unit low), and
    it closes every Line into a there-and-back path, so a dashed line gets the dash pattern twice."""
    svg = charts.reportlab_svg(drawing)
    svg = _TEXT_FLIP.sub(lambda m: m[1] + repr(2 * float(m[2])).encode() + m[3], svg)
    return re.sub(rb'(<path d="M [^"]* L [^"]*) Z"', rb'\1"', svg)


def _levels(model: Model, met_up_to: dict[str, int]) -> LevelReport:
    """Levels with the requirements of each domain met up to the given level (others not met)."""
    statuses = {}
    for req in model.iter_requirements(model.max_level):
        dom = model.items[req.item_id].domain_id
        statuses[req.id] = Status.MET if req.level <= met_up_to.get(dom, 0) else Status.NOT_MET
    return compute_levels(model, statuses)


def _assert_same_picture(drawing: Any) -> None:
    new, old = charts.drawing_svg(drawing), _reference(drawing)
    assert b"<title>" not in new  # written directly, not through renderSVG
    for scale in (1.0, 2.0):
        image_new, image_old = _paint(new, scale), _paint(old, scale)
        mean, over, unmatched = _difference(image_new, image_old)
        pixels = image_new.width() * image_new.height()
        # anti-aliasing and colours (renderSVG wrote whole percents) differ by a few levels of grey
        assert mean < 0.5, (scale, mean, over, unmatched)
        assert unmatched == 0, (scale, mean, over, unmatched)
        assert over < pixels * 0.002, (scale, mean, over, unmatched)
    # and the reference is not blank: the comparison would pass on two empty pictures
    grey = _grey(_paint(old, 1.0))
    assert grey.translate(bytes(int(v < 128) for v in range(256))).count(1) > len(grey) * 0.005


@pytest.mark.parametrize("lang", ["both", "zh", "en"])
def test_radar_of_the_demo_paints_as_render_svg_did(demo: Assessment, lang: str) -> None:
    _assert_same_picture(charts.level_radar_drawing(demo.model, demo.levels(), 3, lang))


def test_radar_with_every_level_from_none_to_the_top(builtin_model: Model) -> None:
    met = {d.id: i % (builtin_model.max_level + 1) for i, d in enumerate(builtin_model.domains)}
    _assert_same_picture(charts.level_radar_drawing(builtin_model, _levels(builtin_model, met), 4, "both"))


@pytest.mark.parametrize(("lang", "met"), [("both", {"A": 2, "B": 0}), ("zh", {"A": 3, "B": 1}),
                                           ("en", {})])
def test_bars_of_a_two_domain_model_paint_as_render_svg_did(mini_model: Model, lang: str,
                                                            met: dict[str, int]) -> None:
    drawing = charts.level_radar_drawing(mini_model, _levels(mini_model, met), 2, lang)
    assert len(mini_model.domains) == 2  # the bar variant
    _assert_same_picture(drawing)


@pytest.mark.parametrize("mistake", ["everything a unit higher", "one label missing", "target in black"])
def test_the_comparison_catches_small_mistakes(demo: Assessment, mistake: str) -> None:
    drawing = charts.level_radar_drawing(demo.model, demo.levels(), 3, "en")
    svg = charts.drawing_svg(drawing)
    if mistake == "everything a unit higher":
        svg = svg.replace(b"translate(0,-340)", b"translate(0,-341)")
    elif mistake == "one label missing":
        svg = re.sub(rb"<text [^>]*>2 / 3</text>", b"", svg, count=1)
    else:
        svg = svg.replace(b"stroke:#8c211a;", b"stroke:#000000;")
    assert svg != charts.drawing_svg(drawing)
    mean, over, unmatched = _difference(_paint(svg, 1.0), _paint(_reference(drawing), 1.0))
    assert unmatched > 0 or over >= 156_400 * 0.002, (mean, over, unmatched)


def test_unknown_shapes_fall_back_to_render_svg() -> None:
    from reportlab.graphics.shapes import Drawing, Wedge

    drawing = Drawing(100, 100)
    drawing.add(Wedge(50, 50, 40, 0, 90))
    svg = charts.drawing_svg(drawing)
    assert b"<title>" in svg  # renderSVG's document
    assert b"clipPath" not in svg  # with the clip QtSvg paints black still removed
    assert _paint(svg, 1.0).pixelColor(60, 40).value() < 60  # the wedge, filled black


def test_dashboard_shows_the_new_chart_and_reuses_a_picture_drawn_before(window: Any, mini_path: Path,
                                                                         qtbot: Any) -> None:
    with Assessment.open(mini_path) as a:
        a.rate("A.X.1.L1", Status.MET)
        a.rate("A.X.2.L1", Status.MET)
    assert window.open_path(mini_path)
    window.resize(1200, 800)
    window.show()
    window.tabs.setCurrentIndex(1)
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.chart.renderer is not None, timeout=5_000)
    first = dash.chart.renderer
    assert dash.chart.svg_error == ""
    select(window, "B.1.L1")
    window.tabs.setCurrentIndex(1)
    press(window.tree, Qt.Key.Key_1)  # domain B reaches level 1: a new picture
    qtbot.waitUntil(lambda: dash.chart.renderer is not first, timeout=5_000)
    second = dash.chart.renderer
    window.undo.undo()  # back to the first picture: taken from the window's recent pictures, not drawn again
    qtbot.waitUntil(lambda: dash.chart.renderer is first, timeout=5_000)
    assert len(dash._charts) == 2 and second in dash._charts.values()
    # the widget paints the chart: dark ink on white, as the report draws it
    image = dash.chart.grab().toImage()
    dark = sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
               if QColor(image.pixel(x, y)).lightness() < 80)
    assert dark > 20

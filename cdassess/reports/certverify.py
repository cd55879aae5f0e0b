"""Reading certificates back: the QR code from a PDF's page or a scan or photo, and the page compared with the
certificate the signed statement renders to.

The certificate is drawn from its signed statement alone, reproducibly (ReportLab's invariant mode: no clock,
no random IDs), so ``verify`` draws it again and compares the pages' pixels region by region: anything else
(an overlay, a different page carrying the genuine code) is "not the certificate that was signed", naming the
regions that differ. A re-save by another program (Ghostscript, "print to PDF") keeps the look and passes.

The QR code is read with zxing-cpp, PDF pages are rasterized with pypdfium2 (both wheels bundle their native
library: no system poppler or zbar).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import CdassessError

if TYPE_CHECKING:
    from PIL.Image import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
COMPARE_DPI = 50
_MM = 72 / 25.4

# Regions of the certificate page (points from the bottom left, as the painter draws them), named for the reader.
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "title": (20 * _MM, 158 * _MM, 277 * _MM, 186 * _MM),
    "organization, project and scope": (20 * _MM, 115 * _MM, 277 * _MM, 153 * _MM),
    "model": (20 * _MM, 102 * _MM, 277 * _MM, 115 * _MM),
    "level": (20 * _MM, 77 * _MM, 277 * _MM, 102 * _MM),
    "certificate details (number, dates, assessors, level rule, key)": (24 * _MM, 44 * _MM, 186 * _MM, 77 * _MM),
    "verification code and signed statement": (18 * _MM, 15 * _MM, 186 * _MM, 44 * _MM),
    "seal and signature": (186 * _MM, 15 * _MM, 234 * _MM, 77 * _MM),
    "QR code": (234 * _MM, 15 * _MM, 279 * _MM, 77 * _MM),
}


def rasterize_pdf(path: Path, dpi: float, page: int = 0) -> Image:
    """One page of a PDF as a greyscale image (pypdfium2)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise CdassessError(f"{path}: the PDF cannot be read ({exc})") from None
    try:
        if len(pdf) <= page:
            raise CdassessError(f"{path}: the PDF has no page {page + 1}")
        bitmap = pdf[page].render(scale=dpi / 72, grayscale=True)
        image: Image = bitmap.to_pil().convert("L")
        return image
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def read_qr(image: Image) -> list[str]:
    """The texts of the QR codes in an image (zxing-cpp); the corner where certificates print it first."""
    import zxingcpp

    w, h = image.size
    # the certificate's QR code is in its bottom-right quarter: decoding a crop is several times faster
    attempts = [image.crop((w // 2, h // 2, w, h)), image]
    for attempt in attempts:
        im = attempt
        if max(im.size) > 2600:  # a 600 dpi scan: modules stay several pixels wide at half the size
            im = im.resize((im.size[0] // 2, im.size[1] // 2))
        qr = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found = [r.text for r in zxingcpp.read_barcodes(im, formats=qr) if r.text]
        if found:
            return found
    return []


def codes_from_scan(path: Path) -> list[str]:
    """QR texts of a scan or photo: an image file, or each page of a PDF that holds a scanned page."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    if path.suffix.lower() == ".pdf":
        found: list[str] = []
        for page in range(min(page_count(path), 4)):
            found += read_qr(rasterize_pdf(path, 200, page))
            if found:
                break
        return found
    try:
        with PILImage.open(path) as im:
            image = im.convert("L")
    except (OSError, UnidentifiedImageError) as exc:
        raise CdassessError(f"{path}: not a readable image ({exc})") from None
    return read_qr(image)


@dataclass(frozen=True)
class Comparison:
    """How a certificate PDF compares with the certificate its statement renders to."""

    identical: bool  # byte for byte
    differs: tuple[str, ...]  # named regions whose pixels differ

    @property
    def same_look(self) -> bool:
        return not self.differs


def ink_difference(mine: Image, theirs: Image) -> Image:
    """Pixels where one page has ink the other lacks within one pixel around (a re-save that moves glyphs by a
    fraction of a pixel changes nothing; added, removed or covered text does): 255 there, else 0."""
    from PIL import ImageChops, ImageFilter

    def extra(a: Image, b: Image) -> Image:  # ink in a that b has nowhere within a pixel: a darker than b's min
        return ImageChops.subtract(b.filter(ImageFilter.MinFilter(3)), a)

    both = ImageChops.lighter(extra(mine, theirs), extra(theirs, mine))
    return both.point(lambda v: 255 if v > 60 else 0)


def compare_with_rendering(pdf: Path, facts: dict[str, Any], code: str, short: str | None,
                           model: Any = None) -> Comparison:
    """Render the certificate of ``facts`` again and compare it with ``pdf``: bytes first, then pixels."""
    from cdassess.reports.certificate import (
        PAGE_H,
        CertificateFacts,
        IssuedCertificate,
        render_certificate,
    )

    with tempfile.TemporaryDirectory(prefix="cdassess-verify-") as tmp:
        again = Path(tmp) / "again.pdf"
        render_certificate(CertificateFacts.from_statement(facts), IssuedCertificate(facts, code, short or ""),
                           again, model)
        if again.read_bytes() == pdf.read_bytes():
            return Comparison(True, ())
        if page_count(pdf) != 1:
            return Comparison(False, ("number of pages",))
        mine = rasterize_pdf(again, COMPARE_DPI)
    theirs = rasterize_pdf(pdf, COMPARE_DPI)
    if theirs.size != mine.size:
        return Comparison(False, ("page size",))
    diff = ink_difference(mine, theirs)
    scale = COMPARE_DPI / 72
    differs = []
    covered = diff.copy()
    for name, (x0, y0, x1, y1) in REGIONS.items():
        box = (int(x0 * scale), int((PAGE_H - y1) * scale), int(x1 * scale) + 1, int((PAGE_H - y0) * scale) + 1)
        region = diff.crop(box)
        count = sum(region.histogram()[255:])
        if count > max(4, region.size[0] * region.size[1] // 400):
            differs.append(name)
        covered.paste(0, box)
    if sum(covered.histogram()[255:]) > 12:
        differs.append("the rest of the page (frame, background)")
    return Comparison(False, tuple(differs))

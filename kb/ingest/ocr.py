"""Optical character recognition of scanned PDF pages, with Tesseract when it is installed.

Optional: without Tesseract (Debian package `tesseract-ocr`) a page with no text layer is
reported by number and a wholly scanned PDF is refused with "needs OCR", as before. With it, each
such page is drawn at 300 dpi in grey by PDFium and read by the `tesseract` command; the
document records which pages were read so, and their citations say "read by OCR"."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kb.core.errors import ConfigError

DPI = 300
TIMEOUT_S = 120  # per page


class Tesseract:
    """Reads a page image (PGM bytes) into text, paragraphs separated by blank lines."""

    def __init__(self, command: str = "tesseract", language: str = "eng"):
        self.command, self.language = command, language

    name = "Tesseract"

    def __call__(self, image: bytes) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "page.pgm"
            path.write_bytes(image)
            done = subprocess.run([self.command, str(path), "stdout", "-l", self.language, "--psm", "3"],
                                  capture_output=True, timeout=TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[:200] or "tesseract failed")
        return done.stdout.decode("utf-8", "replace")


def from_setting(value: str) -> Tesseract | None:
    """KB_OCR: 'auto' uses Tesseract when it is on the PATH, 'off' never, 'on' insists on it."""
    value = (value or "auto").strip().lower()
    if value == "off":
        return None
    found = shutil.which("tesseract")
    if value == "on" and not found:
        raise ConfigError("KB_OCR=on but the tesseract command is not installed (Debian: apt install tesseract-ocr)")
    if value not in ("auto", "on"):
        raise ConfigError(f"KB_OCR must be auto, on or off, not {value!r}")
    return Tesseract(found) if found else None


def page_image(page) -> bytes:
    """A pypdfium2 page drawn in grey at DPI, as PGM (no imaging library needed)."""
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    buffer = bytes(bitmap.buffer)
    rows = b"".join(buffer[y * stride:y * stride + width] for y in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + rows

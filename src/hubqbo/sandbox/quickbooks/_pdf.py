"""A small, valid PDF for ``GET /invoice/{id}/pdf``.

Why: clients store or attach the bytes, and tests (theirs and ours) should be able to check that
they got a real PDF (``%PDF-`` header, a cross-reference table with correct offsets, ``%%EOF``),
not a placeholder. One page, Helvetica, the invoice's number, customer, lines and totals.

Example:
    >>> pdf = render_pdf(["Invoice 1001", "Total 100.00"])
    >>> pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    True
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["render_pdf"]


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_pdf(lines: Sequence[str]) -> bytes:
    """A one-page PDF showing ``lines`` top to bottom."""
    commands = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    for index, line in enumerate(lines[:50]):
        commands.append(("" if index == 0 else "T* ") + f"({_escape(line)}) Tj")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)

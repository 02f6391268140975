"""Stored payment documents: where each account's month is kept, and reuse without re-rendering.

A single document is stored as its own PDF (``issued_documents`` with the account); a batch
stores the one PDF it rendered (an ``issued_documents`` row without an account, ~8 KB a page as
the fonts and repeated blocks are shared) and which page is whose (``issued_document_pages``).
Storing each batch document as its own PDF would cost ~51 KB a page (every file embeds its own
font subsets): ~600 GB a year for a million accounts instead of ~100 GB. Compressing the stored
bytes further gains little: the page streams are already deflated and the fonts are subsets.

A reprint, single or batch, is made of stored bytes only: a batch of the same accounts in the
same order is the stored batch itself; any other mix is joined page by page (pypdf, which copies
the page objects as they are and writes no time stamp or random id, so the same stored pages
give the same bytes every time); a single document out of a batch is its page, cut the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import IssuedDocument, IssuedDocumentPage
from console.models.enums import DocumentKind
from console.services.core.errors import ConsoleError
from console.services.core.formatting import month_year
from console.services.documents.data import CHUNK


@dataclass(frozen=True)
class StoredPage:
    """Where an account's document for a month is kept: a stored PDF and its page (0-based)."""

    issued_document_id: int
    page: int


def stored_pages(
    session: Session, account_ids: Sequence[int], period: dt.date
) -> dict[int, StoredPage]:
    """The first stored copy of each account's document for ``period`` (single or batch)."""
    found: dict[int, StoredPage] = {}
    for start in range(0, len(account_ids), CHUNK):
        chunk = list(account_ids[start : start + CHUNK])
        rows: list[tuple[int, int, int]] = [
            (doc_id, account_id or 0, 0)
            for doc_id, account_id in session.execute(
                select(IssuedDocument.id, IssuedDocument.account_id).where(
                    IssuedDocument.kind == DocumentKind.PAYMENT_DOCUMENT,
                    IssuedDocument.account_id.in_(chunk),
                    IssuedDocument.period == period,
                )
            )
        ]
        rows += [
            (doc_id, account_id, page)
            for doc_id, account_id, page in session.execute(
                select(
                    IssuedDocumentPage.issued_document_id,
                    IssuedDocumentPage.account_id,
                    IssuedDocumentPage.page,
                ).where(
                    IssuedDocumentPage.account_id.in_(chunk), IssuedDocumentPage.period == period
                )
            )
        ]
        # The earliest stored copy is the original.
        for doc_id, account_id, page in sorted(rows):
            found.setdefault(account_id, StoredPage(doc_id, page))
    return found


def batch_pages(session: Session, issued_document_id: int) -> list[int]:
    """The accounts of a stored batch's pages, in page order ([] for a single document)."""
    return list(
        session.scalars(
            select(IssuedDocumentPage.account_id)
            .where(IssuedDocumentPage.issued_document_id == issued_document_id)
            .order_by(IssuedDocumentPage.page)
        )
    )


def load_contents(session: Session, ids: Iterable[int]) -> dict[int, bytes]:
    """Stored PDFs by id, each checked against its checksum."""
    out: dict[int, bytes] = {}
    for row in session.scalars(select(IssuedDocument).where(IssuedDocument.id.in_(set(ids)))):
        out[row.id] = checked(row)
    return out


def checked(row: IssuedDocument) -> bytes:
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        period = f" за «{month_year(row.period)}»" if row.period else ""
        raise ConsoleError(
            f"Сохранённый документ{period} повреждён (контрольная сумма не совпадает): "
            "сообщите администратору."
        )
    return row.content


def join(sources: Sequence[tuple[bytes, int]]) -> bytes:
    """One PDF of the given (stored PDF, page) in order: the stored pages as they are."""
    writer = PdfWriter()
    readers: dict[int, PdfReader] = {}
    for content, page in sources:
        reader = readers.get(id(content))
        if reader is None:
            reader = readers[id(content)] = PdfReader(io.BytesIO(content))
        writer.add_page(reader.pages[page])
    writer.add_metadata({"/Title": "Платёжные документы", "/Creator": "console"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_of(content: bytes, page: int, pages: int) -> bytes:
    """A single document out of a stored PDF: the file itself when it holds one page."""
    return content if pages == 1 else join([(content, page)])

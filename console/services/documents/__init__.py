"""Printed papers: payment documents (ГОСТ Р 56042 QR), receipts, refund and appeal papers, the
registration form, reports and batch printing; the Cyrillic fonts they embed. The top of the
services: it reads every domain and no domain reads it."""

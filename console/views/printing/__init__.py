"""The one print path and the PDF preview: every document prints on the configured printer, 1:1,
as the PDF itself where the print system takes PDF (CUPS, cups.py) or as lean opaque grayscale
pages (printer.py); receipts, refund papers and the day's closing are previewed with «Печать» and
«Сохранить» (preview.py)."""

"""Files that come in and go out: the type of an attached scan by its bytes (scans.py), text
files decoded line by line, UTF-8 or windows-1251 (text.py), and cells of exported CSV/XLSX that
never become formulas (cells.py). Depends on core."""

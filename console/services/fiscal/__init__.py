"""Fiscal cheques under 54-ФЗ: the online cash register (ККТ) behind one small interface.

``device`` is the contract every cash register adapter keeps (sell, sell refund, shift, X/Z
reports, status, "what became of this key"); adapters and the cheque journal build on it.
Depends on core and staff only; payments, refunds and the cash desk use it."""

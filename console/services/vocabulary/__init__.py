"""The one vocabulary: Russian words for every stored code a person reads — each enum value,
each audit action and the journal's change keys (labels.py). Depends on models only; every
service and view takes its words from here."""

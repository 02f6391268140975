"""Payment documents, reports, batch printing and the documents plugin."""

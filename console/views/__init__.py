"""Qt windows, dialogs and item models. No SQL here: views call services through TaskRunner."""

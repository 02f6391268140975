"""The account card's data: header, notifications and the tabs (charges, history, readings,
requisites, statistics). Read-only. Depends on core."""

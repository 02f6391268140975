"""Appeals (обращения) and paid-service orders: intake, topics and prices, routing, the
workflow, attachments and queries. Depends on core and staff."""

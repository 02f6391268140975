"""The cash desk: an office day of cash in and out, reconciled with the cash register, closed
and handed over. Depends on payments, refunds, documents and fiscal."""

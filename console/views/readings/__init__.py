"""Reading entry (F6), meter replacement and the card plugin that offers them."""

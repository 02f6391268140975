"""Bills by e-mail on the account card: the delivery log tab and «Отправить по e-mail»."""

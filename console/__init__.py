"""Операторский пульт клиентского зала: the service-centre console of an electricity retailer."""

__version__ = "0.1.0"

"""Deterministic demo data (демонстрационные данные): catalog, generator, bulk writers, runner."""

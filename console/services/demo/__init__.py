"""Demo data (демонстрационные данные): a realistic retailer generated for trying the console and
for benchmarks; ``demo.api`` is the stable entry point."""

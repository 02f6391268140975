"""Tests of vocabulary."""

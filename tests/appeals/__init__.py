"""Tests of appeals."""

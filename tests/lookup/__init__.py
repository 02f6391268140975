"""Tests of lookup."""

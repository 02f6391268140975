"""The account card window and its tabs."""

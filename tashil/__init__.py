"""Tashil: the Production Facilitation Headquarters platform."""

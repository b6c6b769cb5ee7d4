"""Recognisers of Chinese personal information in text, and the checks they share with validation."""

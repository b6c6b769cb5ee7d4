"""Benchmarks behind ``yinsi bench``: each compares yinsi with a plain baseline measured in the same run."""

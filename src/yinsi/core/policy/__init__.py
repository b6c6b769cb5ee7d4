"""The policy spec: its model, how it is read from YAML, checked, rendered and compared."""

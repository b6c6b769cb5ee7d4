"""Master-key providers: a local key file for one machine, or keys given in the environment."""

"""One module per chapter of the published policy (GB/T 35273-2020 Appendix D order)."""

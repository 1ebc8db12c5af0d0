"""Reports built on the store: the key figures (nyckeltal) and their definitions."""

"""Fault injection: hostile workbooks and identity numbers fed to the real command."""

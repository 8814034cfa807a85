"""Helpers for the swifttok parity oracle: inputs, reference encoders, the CLI driver, comparison."""

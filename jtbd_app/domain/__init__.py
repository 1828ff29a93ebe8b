"""Pure rules without I/O."""

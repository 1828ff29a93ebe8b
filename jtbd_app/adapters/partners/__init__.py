"""The outside partners of the Delegate menu, one module each; `registry.ADAPTERS` lists them in the menu's order."""

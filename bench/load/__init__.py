"""`make load`: simulated members drive the running app over Reflex's websocket protocol (see bench/load/tab.py)."""

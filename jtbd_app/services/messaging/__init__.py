"""Private threads between members, notifications and what a reader sees of them."""

"""The terminal drill: the session and its SQLite progress."""

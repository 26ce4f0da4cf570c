"""Protocols and formats that turn a library's catalogue into a stream of source records."""

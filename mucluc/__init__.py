"""Mục lục: command line, configuration, settings and the error tree shared by every package."""

__version__ = "0.1.0"

"""The ``mucluc`` command line: the top layer. It imports every package; nothing imports it.

``main`` parses arguments and turns every :class:`~mucluc.core.errors.MuclucError` into one line
on stderr; each subcommand lives in a module of its own that registers its parser.
"""

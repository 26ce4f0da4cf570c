"""The core every package imports downward: errors, settings, configuration, the Library type.

It imports nothing of the project but itself, so ``harvesters``, ``indexer`` and ``searchapi`` can
all use it without reaching up into the command line (``mucluc.cli``), which nothing imports.
"""

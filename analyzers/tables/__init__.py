"""Data tables for Vietnamese text: written by hand (documented in each module) or generated.

Logic lives in the modules of `analyzers`; these modules hold only data, and each one's header
says where its data came from.
"""

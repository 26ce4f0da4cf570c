"""The engine side: the managed node, indices and aliases, MARC → documents, bulk indexing."""

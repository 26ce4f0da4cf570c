"""The engine side: the managed node, indices and aliases, MARC → document mapping, bulk indexing."""

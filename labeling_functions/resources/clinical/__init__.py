"""Clinical word lists of the ``clinical`` preset (derived lists name their source and licence in their header)."""

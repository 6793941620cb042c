"""Is a predicted result the gold answer? The comparison of two fetched results."""

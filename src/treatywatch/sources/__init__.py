"""treatywatch.sources."""

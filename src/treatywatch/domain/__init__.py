"""treatywatch.domain."""

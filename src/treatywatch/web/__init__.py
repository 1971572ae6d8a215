"""treatywatch.web."""

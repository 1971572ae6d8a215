"""treatywatch.analysis."""

"""treatywatch.checks."""

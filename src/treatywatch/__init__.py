"""treatywatch."""

"""treatywatch.render."""

"""Statistics on plain values: poll averages and their evaluation, completion forecasts."""

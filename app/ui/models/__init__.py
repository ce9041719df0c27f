"""Qt item models over the services (no database access here: rows come from operations)."""

"""The mentor's own settings: alert thresholds."""

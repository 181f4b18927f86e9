"""Health assessment of a cooperative (DESIGN §3.6) from a rubric data file shipped with the app."""

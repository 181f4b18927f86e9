"""Tables of daily closes and month-close waivers."""

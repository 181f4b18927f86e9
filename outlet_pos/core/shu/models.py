"""Tables of SHU distributions and payouts."""

"""SHU (sisa hasil usaha): allocation pools, each member's share, distribution and payout."""

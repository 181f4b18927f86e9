"""Business plans (rencana bisnis) per unit per year, compared with the books month by month."""

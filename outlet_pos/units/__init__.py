"""Outlet business units: one blueprint per unit, built on the core."""

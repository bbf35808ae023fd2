"""Screens: the workstation is the one a rep lives in."""

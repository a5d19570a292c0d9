"""Psychometrics in pure numpy: no Flask, no database. The web layer moves arrays in and out."""

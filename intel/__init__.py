"""Talent social intelligence: the domain package behind the Streamlit dashboard.

This package never imports streamlit; pages call its functions and render their results.
"""

__version__ = "0.1.0"

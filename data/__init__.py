"""The data shipped with clerk: catalog, calendars, complaint categories, fonts.

This folder is the ``clerk._data`` package of the wheel (see pyproject.toml);
read it through :mod:`clerk.shipped`, never by a path relative to the source.
"""

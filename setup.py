"""Package list: clerk's own packages plus the repository's data/ folder as clerk._data.

Everything else is in pyproject.toml.  pyproject's ``packages.find`` cannot name a
package whose folder lies outside ``clerk/``, hence this file.
"""

from setuptools import find_namespace_packages, setup

#: data/ and its folders, each a package so that setuptools ships their files without a warning.
DATA = ["clerk._data", "clerk._data.catalog", "clerk._data.calendar", "clerk._data.fonts",
        "clerk._data.cross_region"]

setup(packages=[*find_namespace_packages(include=["clerk", "clerk.*"], exclude=["*.__pycache__"]), *DATA])

"""Package list: clerk's own packages plus the repository's data/ folder as clerk._data.

Everything else is in pyproject.toml.  pyproject's ``packages.find`` cannot name a
package whose folder lies outside ``clerk/``, hence this file.
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["clerk", "clerk.*"]), "clerk._data"])

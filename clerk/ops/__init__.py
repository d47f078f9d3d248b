"""Operations commands of a hall: ``clerk doctor`` and ``clerk demo``."""

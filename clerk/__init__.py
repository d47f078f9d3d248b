"""clerk: the intake terminal of a government service hall (政务服务中心综合受理窗口)."""

__version__ = "0.7.0"

"""Riskmon: workstation for Hubei industrial product quality safety risk monitoring.

《湖北省工业产品质量安全风险监测预警与处置管理暂行办法》 — technical institutions (技术机构).
"""

__version__ = "0.1.0"

"""公文助手 (gongwen-assistant): draft, check and cite for Chinese official reports, local-first."""

__version__ = "0.1.0"

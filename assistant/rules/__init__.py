"""文种规则与检查器 (genre rules, format rules, the checker)."""

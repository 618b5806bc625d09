"""法规引用：目录、引用识别与匹配、条文 (catalog, citation resolver, article texts)."""

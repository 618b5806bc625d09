"""导出 Word (.docx in GB/T 9704 layout)."""

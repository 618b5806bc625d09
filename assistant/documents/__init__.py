"""读取与整理：读文件、规范化文本、层次序数、公文与法规结构 (reading, normalising, numbering, structure)."""

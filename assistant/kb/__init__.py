"""知识库：切分、向量、Chroma、关键词索引、增量索引、检索 (knowledge base and retrieval)."""

"""The services behind the `KnowledgeBase` facade, one per concern: the library (ingest and
documents), the indexes, search, analysis (themes, recurring findings, year tables),
briefings and administrators. Each takes the parts it needs and can be built on its own."""

"""Reading and checking a study: YAML with positions, the typed model, cross-file rules,
review warnings and JSON Schemas. `toolkit.study.load.load_study` is the entry point.

Nothing here renders a document: this package knows nothing of templates or PDFs.
"""

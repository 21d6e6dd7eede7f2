"""Turning a checked study into documents: the kit plan, HTML rendering (templates,
Markdown, translations), print geometry, workshop logistics, PDF writing, the one walk
over a plan, and building and publishing a kit.

The kit receives a `Study` that `toolkit.study` has loaded and checked; it never reads
study files itself.
"""

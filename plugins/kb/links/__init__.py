"""`kb links`: check the built site's links, anchors and assets, and trace findings to sources.

The pipeline: read the site's configuration, walk the built site, scan each page (in worker
processes), trace each finding back to its Markdown source, and optionally check external
links; `kb.cli.links` turns the arguments into options and `kb.report` renders the findings.
"""

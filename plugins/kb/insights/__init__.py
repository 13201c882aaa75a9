"""Insights: the collector of merchants' feedback and searches, and the report built on it.

The collector's stages, one module each: `events` (parse and validate against the build's page
`manifest`) → `scrub` (personal data out of free text) → `buffer` (batched, bounded) → `store`
(SQLite or PostgreSQL). `app` serves them; `report` and `report_formats` read the store.
"""

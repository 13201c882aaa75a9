"""The MkDocs side of kb: the only package that imports MkDocs, Material or static-i18n.

`plugin` routes MkDocs' build events into kb's core and into the page builders here: the site
model and page contexts, the generated pages (404, products, glossary, redirects), the search
box and index, the escaping of values handed to the theme, and the templates.
"""

"""kb: a bilingual help center on MkDocs, with translation parity, products and link checks."""

"""`python -m kb.cli`: the `kb` command."""

import sys

from kb.cli import main

sys.exit(main())

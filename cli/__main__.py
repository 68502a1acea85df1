"""``python -m cli``: the same as the ``shaping`` command."""

import sys

from cli.main import main

sys.exit(main())

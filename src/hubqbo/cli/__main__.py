"""``python -m hubqbo.cli``: the ``hubqbo`` command."""

from hubqbo.cli import main

raise SystemExit(main())

"""``python -m hubqbo``: the ``hubqbo`` command (``pip install 'hubqbo[cli]'``)."""

from hubqbo.cli import main

raise SystemExit(main())

from __future__ import annotations

from timeline.cli import main

main()

import sys
from pathlib import Path

from app.cli import gui_main, main

if getattr(sys, "frozen", False) and Path(sys.executable).stem.lower().endswith("-gui"):
    raise SystemExit(gui_main())  # riskmon-gui.exe of the Windows bundle: windowed, no console
raise SystemExit(main())

# Run-time hook for PySide6 in place of PyInstaller's own: Qt's plugin and QML paths set, and the
# DLL search path on Windows, as it does; but Qt is not loaded here. PyInstaller's hook imports
# PySide6.QtCore at start-up to install a qt.conf, which the PyPI wheels install themselves when
# QtCore is first imported; loading Qt (ICU included) made `riskmon --version` and every command
# that never opens a window half a second slower.
# ruff: noqa


def _pyi_rthook():
    import os
    import sys

    if sys.platform.startswith("win"):
        qt_path = os.path.join(sys._MEIPASS, "PySide6")
        # QtNetwork finds OpenSSL DLLs collected at the top of the folder
        os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")
    else:
        qt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_path, "qml")


_pyi_rthook()
del _pyi_rthook

"""Qt's own words in Russian: buttons of message boxes, the file and print dialogs, the context
menu of text fields («Копировать», «Вставить»). PySide6 ships the catalogues; nothing loads them
by itself."""

from __future__ import annotations

import logging
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

CATALOGUES = ("qtbase_ru",)


def install_russian(app: QCoreApplication) -> bool:
    """Load Qt's Russian catalogues into ``app``; False (and a log line) where one is missing,
    e.g. a bundle built without them: the console works, Qt's own buttons stay in English."""
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    folders = (
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        # A frozen bundle keeps PySide6's tree; its library info may point elsewhere.
        str(Path(PySide6.__file__).parent / "Qt" / "translations"),
    )
    loaded = True
    for name in CATALOGUES:
        translator = QTranslator(app)  # parented: it lives as long as the application
        if any(translator.load(name, folder) for folder in folders):
            app.installTranslator(translator)
        else:
            log.warning("Qt catalogue %s not found in %s", name, " or ".join(folders))
            loaded = False
    return loaded

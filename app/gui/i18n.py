"""English and Spanish: Qt translations, chosen from the system locale or the settings.

Source strings are English and marked in the code with `tr()` (a widget's own
`self.tr`, or `QCoreApplication.translate(context, text)` outside a widget).
`make translations` extracts them into `app/resources/i18n/confidente_es.ts`
(pyside6-lupdate), where they are translated, and compiles the shipped
`confidente_es.qm` (pyside6-lrelease). Qt's own strings (standard buttons,
file dialogs) come from Qt's translations when they are installed.

The language can change while the app runs (`switch_language`, from Settings):
each widget sets its texts in a `retranslate` method, called from its
constructor and again on the `LanguageChange` event Qt sends it then
(`Retranslated` does the latter).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from app.core.resources import resources_dir

LANGUAGES = ("en", "es")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark `text` for extraction under `context`, untranslated.

    For module constants: they are read at import, before the translators are
    installed, so they are translated where they are shown, with
    `QCoreApplication.translate(context, text)` (or `self.tr` in the class named
    `context`). Typed, unlike PySide6's own, which returns `object`.
    """
    return text


def ui_language() -> str:
    """The language the interface is shown in: the installed translation says which."""
    code = QCoreApplication.translate(
        "Language", "en", "the code of the language translated into: es for Spanish"
    )
    return code if code in LANGUAGES else "en"


def language_for(setting: str, system: QLocale | None = None) -> str:
    """The UI language: the setting, else the system's if we have it, else English."""
    if setting in LANGUAGES:
        return setting
    name = (system or QLocale.system()).name()  # e.g. "es_ES"
    code = name.split("_", 1)[0].lower()
    return code if code in LANGUAGES else "en"


def install_translators(app: QCoreApplication, setting: str) -> list[QTranslator]:
    """Install the translators for the chosen language; keep the returned list alive."""
    language = language_for(setting)
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(resources_dir() / "i18n" / f"confidente_{language}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(language), "qtbase", "_", qt_folder):
        app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(language))
    return installed


def remove_translators(app: QCoreApplication, installed: list[QTranslator]) -> None:
    for translator in installed:
        if shiboken6.isValid(translator):  # not already replaced by `switch_language`
            app.removeTranslator(translator)
    installed.clear()


def switch_language(app: QCoreApplication, setting: str) -> None:
    """Show the interface in another language now, without a restart.

    The translators installed before (by `install_translators`, children of `app`)
    are removed and deleted, and the new language's installed. Qt then sends every
    widget a `LanguageChange` event, on which each one sets its texts again
    (its `retranslate`).
    """
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale.system())  # English keeps the system's number formats, as at start
    install_translators(app, setting)


class Retranslated:
    """For a widget that sets its texts in `retranslate()`, called from its constructor:
    sets them again when the interface's language changes. Listed before the Qt class
    (`class Composer(Retranslated, QWidget)`), so that Qt calls this `changeEvent`."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]  # the Qt class's, after this one

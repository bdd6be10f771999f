"""Marks messages for translation without importing Flask: the web layer translates them
(``gettext(problem.message) % problem.params``) when it shows them."""


def N_(message: str) -> str:
    return message

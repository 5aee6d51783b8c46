"""myst-nb renderer plugin (entry point ``myst_nb.mime_renderers``): the machine-readable
record of a :func:`pgrid.book.reproduction.check` (MIME type ``application/vnd.pgrid.check+json``)
renders as nothing, so the page shows the check's HTML line and myst-nb does not warn about
an unknown MIME type.  The status page reads the records from the executed notebooks."""

MIME = "application/vnd.pgrid.check+json"


class CheckRecordRenderer:
    """Render pgrid's check records as nothing (their ``text/html`` twin is shown)."""

    mime_priority_overrides = [("*", MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == MIME:
            return []
        return None

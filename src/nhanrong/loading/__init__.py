"""Loading a data root, by responsibility (``nhanrong.loader`` is the public front and re-exports these):

- :mod:`.report`: :class:`Report` (the problems found, appended to, never raised) and :class:`SourceFile`;
- :mod:`.discovery`: which files there are (:func:`scan`), without following links out of the root;
- :mod:`.parsing`: reading one file safely and parsing its TOML (tomli, or the compiled parser: :func:`use_parser`);
- :mod:`.validation`: pydantic's errors translated into located problems (a table of catalogue codes);
- :mod:`.columns`: the per-file checks of units/ and pilots/ on whole columns, and the per-file cache;
- :mod:`.rules`: the rules across files, one named function per rule;
- :mod:`.state`: the app's own folder in a data root (``.nhanrong``);
- :mod:`.load`: the orchestration, :func:`load_programme` (in order: settings, models, units, records, plans...).

The order follows frictionless: syntax (tomli), then structure (pydantic), then references across files.
Nothing stops at the first problem. Every problem is a :class:`~nhanrong.problems.Problem` whose words are
a catalogue message (codes ``problem.*`` in :mod:`nhanrong.i18n.problems`).
"""

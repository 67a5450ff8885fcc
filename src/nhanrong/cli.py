"""The ``nhanrong`` command: a thin front over the domain, for git hooks and CI.

Exit codes: 0 success, 1 the data has errors (validate) or a domain error,
2 usage errors (argparse's convention).
Each command lives in a ``cmd_*`` function registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .errors import NhanRongError
from .i18n import LANGS, t

Handler = Callable[[argparse.Namespace], int]


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or os.environ.get("NHANRONG_LANG", "vi")


def write_rows(rows: list[dict], fmt: str, out=None, columns: Sequence[str] | None = None) -> None:
    """Print rows as an aligned table, CSV or JSON (the stable machine form).

    CSV goes through :func:`nhanrong.exports.write_csv`: text a spreadsheet would read as a
    formula is neutralised. JSON is data and the table is for a terminal: both as they are.
    """
    out = out or sys.stdout
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
        return
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "csv":
        from .exports import write_csv

        write_csv(out, rows, columns)
        return
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root)


# --- commands -----------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from .loader import load_programme

    prog = load_programme(_root(args))
    lang = _lang(args)
    if args.format == "json":
        json.dump(
            {
                "ok": not prog.errors,
                "files": prog.files,
                "errors": len(prog.errors),
                "warnings": len(prog.warnings),
                "problems": [p.as_dict() for p in prog.problems],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for p in prog.problems:
            print(p.format(lang))
        print(t("cli.validate.summary", lang, files=prog.files, records=len(prog.adoptions), errors=len(prog.errors),
                warnings=len(prog.warnings)), file=sys.stderr)
    return 1 if prog.errors else 0


def cmd_units(args: argparse.Namespace) -> int:
    from .units import list_units

    rows = list_units(_root(args) if args.root else None, province=args.province, structure=args.structure)
    write_rows(rows, args.format)
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .jsonschemas import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


# The server options of .streamlit/config.toml, passed as flags: an installed wheel runs from any
# folder, where that file is not read. Safe defaults: loopback only, forms protected, small uploads.
SERVE_OPTIONS = {
    "browser.gatherUsageStats": "false",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",  # no "File change. Rerun" prompt (Streamlit's English); restart for new code
    "client.toolbarMode": "minimal",  # no menu: its items are Streamlit's English (as .streamlit/config.toml)
    "client.showErrorLinks": "false",
    "client.showErrorDetails": "type",
    "theme.base": "light",
    "theme.primaryColor": "#1f4e79",
}


def serve_command(args: argparse.Namespace) -> list[str]:
    """The `streamlit run` command line for `nhanrong serve` (tested without starting it)."""
    # The app is its own package beside the domain (nhanrong never imports streamlit), in the same wheel.
    app = Path(__file__).resolve().parent.parent / "nhanrong_app" / "streamlit_app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.address", args.address, "--server.maxUploadSize", str(args.max_upload_mb),
           "--server.maxMessageSize", str(max(args.max_upload_mb, 50))]
    for key, value in SERVE_OPTIONS.items():
        cmd += [f"--{key}", value]
    if args.headless:
        cmd += ["--server.headless", "true"]
    if args.base_url_path:
        cmd += ["--server.baseUrlPath", args.base_url_path]
    secrets = args.secrets or os.environ.get("NHANRONG_SECRETS")
    if secrets:
        # [auth] for st.login; kept outside the data repository (never committed)
        cmd += ["--secrets.files", str(Path(secrets).expanduser().resolve())]
    return cmd


def cmd_serve(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        print(t("cli.serve.needs_app", _lang(args)), file=sys.stderr)
        return 1
    env = dict(os.environ, NHANRONG_ROOT=str(Path(args.root).resolve()))
    cmd = serve_command(args)
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover


# --- parser -------------------------------------------------------------------


def _add_root(p: argparse.ArgumentParser, *, optional_default: str | None = ".") -> None:
    p.add_argument("root", nargs="?", default=optional_default, metavar="ROOT",
                   help="data folder with models/, units/, pilots/, plans/, indicators/ (default: current folder)")


def _add_format(p: argparse.ArgumentParser, choices=("table", "csv", "json")) -> None:
    p.add_argument("--format", choices=choices, default=choices[0], help=f"output format (default: {choices[0]})")


def _argv_lang(argv: Sequence[str] | None) -> str:
    """The language asked for on the command line (``--lang en`` / ``--lang=en``) before it is
    parsed, else $NHANRONG_LANG, else Vietnamese: the parser's own words are written in it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else "vi"
        if a.startswith("--lang="):
            return a.partition("=")[2] if a.partition("=")[2] in LANGS else "vi"
    env = os.environ.get("NHANRONG_LANG", "vi")
    return env if env in LANGS else "vi"


def build_parser(lang: str = "vi") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nhanrong", description=t("cli.description", lang))
    parser.add_argument("--version", action="version", version=f"nhanrong {__version__}")
    parser.add_argument("--lang", choices=LANGS, help="language of messages (default: vi, or $NHANRONG_LANG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check every file; exit 1 if there are errors",
                       description="Check every TOML file under ROOT and print each problem as path:line:column: "
                       "error|warning: message. Exit 0 when there are no errors, 1 when there are.")
    _add_root(p)
    _add_format(p, ("text", "json"))
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("units", help="list official administrative units (old or new structure)",
                       description="List the units of a province from the official register (old = before 1 July 2025, "
                       "province/district/commune; new = after, province/commune). With ROOT, the units declared "
                       "under ROOT/units/ are listed too. Without --province, lists the provinces.")
    _add_root(p, optional_default=None)
    p.add_argument("--province", help="province code, e.g. 15")
    p.add_argument("--structure", choices=("old", "new"), default="new",
                   help="administrative structure (default: new, the one in force today, as for status and gaps without --as-of)")
    _add_format(p)
    p.set_defaults(func=cmd_units)

    p = sub.add_parser("schemas", help="write the JSON Schemas of the file formats",
                       description="Write one JSON Schema per kind of file (settings, models, units, pilots, plans, indicators), generated "
                       "from the validation models, for editors with a TOML language server.")
    p.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("serve", help="start the Streamlit app on a data folder",
                       description="Start the web app on ROOT (default: the current folder).")
    _add_root(p)
    p.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 behind a reverse proxy or in a container)")
    p.add_argument("--max-upload-mb", type=int, default=20, help="largest upload in MB (default: 20)")
    p.add_argument("--secrets", metavar="FILE",
                   help="secrets.toml with [auth] for login (default: $NHANRONG_SECRETS, else Streamlit's "
                   "~/.streamlit/secrets.toml and ./.streamlit/secrets.toml); never inside the data repository")
    p.add_argument("--base-url-path", default="", help="serve under a path, e.g. nhanrong behind a proxy")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


# Modules that add commands (each has ``register(subparsers)``), one line each.
COMMAND_MODULES: tuple[str, ...] = (
    "nhanrong.commands.engine",
    "nhanrong.commands.record",
    "nhanrong.commands.plan",
    "nhanrong.commands.indicators",
)


_PARSING_LANG = ["vi"]  # the language of the command line being parsed (set by main, read by parse_lang)


def parse_lang() -> str:
    """The language of the command line being parsed, for argparse type functions (a bad date, a bad
    number), which run before ``--lang`` is in the parsed arguments."""
    return _PARSING_LANG[0]


def main(argv: Sequence[str] | None = None) -> int:
    _PARSING_LANG[0] = _argv_lang(argv)
    parser = build_parser(_PARSING_LANG[0])
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except NhanRongError as exc:
        print(t("cli.error", _lang(args), message=exc.message), file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - e.g. `nhanrong units | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

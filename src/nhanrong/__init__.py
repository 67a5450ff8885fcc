"""Nhân Rộng: track pilot models of digital transformation and plan their scale-out.

The package is the domain only (it never imports streamlit). Data flows one way:
TOML files -> :mod:`nhanrong.loader` -> :class:`nhanrong.programme.Programme` ->
graph, status, gaps, plans -> the faces (Streamlit pages, CLI, exports).
"""

__version__ = "0.1.0"

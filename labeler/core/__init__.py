"""Qt-free core of labeler: domain types, the project store, geometry, import and export.

Nothing under ``labeler.core`` may import Qt; a test enforces it.
"""

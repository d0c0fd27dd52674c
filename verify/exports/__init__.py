"""Writers for the files of a gold release, one module per kind of file.

Each writer takes rows (plain dicts built by `verify.services.releases`) one at a time and
writes them as they come, so memory stays flat however large the corpus. Nothing here
reads the database; nothing here writes a timestamp: two releases of unchanged data are
byte-identical. pyarrow is imported here only.
"""

"""File formats that more than one layer reads or writes: the export package (``package``), which
the documents layer writes and the upload layer checks and assembles. Below both, above the lab
key's cryptography (``app.security``); nothing here touches the database or Qt."""

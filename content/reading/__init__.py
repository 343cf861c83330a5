"""Reading the content library's files, one module per concern: the records they become
(`records`), typed fields with their lines (`fields`), one reader per kind of file
(`certifications`, `notes`, `questions`, `discussion`) and the checks across files
(`checks`). `content.library.read_library` walks the folders and calls them."""

// Compression module (see Documentation.docc/Compression.md).

#pragma once
// Settings shared by Sluice's own SQLite files (cache index, run history):
// WAL for concurrent readers and writers across processes, NORMAL sync (a power
// cut may lose the newest transactions but never corrupts), a generous busy
// timeout, and no checkpoint on close: otherwise every short-lived `sluice`
// process pays several fsyncs on exit (the auto-checkpoint still bounds the WAL).
#include <SQLiteCpp/Database.h>

namespace sluice::engine {

// Process-wide SQLite settings, for every connection the process opens (the engine's and the
// plugins'); call it first thing in main(), before any connection exists, or it has no effect.
// It turns SQLite's memory statistics off: they take a global mutex on every allocation, which
// costs a row-by-row workload such as sluice.sql's in-memory tables about a fifth of its time.
void tune_sqlite_library();

void tune_engine_database(SQLite::Database& db);

// Folds the write-ahead log back into the database when it has grown past a few MiB. Called when a
// process closes the file, since SQLite's own checkpoint-on-close is off. Never throws.
void checkpoint_if_large(SQLite::Database& db);

}  // namespace sluice::engine

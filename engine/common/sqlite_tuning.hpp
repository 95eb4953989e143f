#pragma once
// Settings shared by Sluice's own SQLite files (cache index, run history):
// WAL for concurrent readers and writers across processes, NORMAL sync (a power
// cut may lose the newest transactions but never corrupts), a generous busy
// timeout, and no checkpoint on close: otherwise every short-lived `sluice`
// process pays several fsyncs on exit (the auto-checkpoint still bounds the WAL).
#include <SQLiteCpp/Database.h>

namespace sluice::engine {

void tune_engine_database(SQLite::Database& db);

// Folds the write-ahead log back into the database when it has grown past a few MiB. Called when a
// process closes the file, since SQLite's own checkpoint-on-close is off. Never throws.
void checkpoint_if_large(SQLite::Database& db);

}  // namespace sluice::engine

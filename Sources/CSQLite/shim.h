#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: one wrapper per setting used.

/// Turns off SQLite's memory statistics, whose global mutex every allocation
/// takes. Must run before the first connection opens; SQLITE_MISUSE after.
static inline int qbsync_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// The core's tables in console.db: settings and the audit log.
#include <civic/core/CoreSchema.h>

#include <array>

namespace civic {
namespace {

// Append-only: a released step is never edited, only followed.
constexpr std::array<store::Migration, 1> kSteps{{
    {1, R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    agent   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
)sql", nullptr, 1},
}};

} // namespace

store::SchemaModule CoreSchema() { return {"core", kSteps}; }

} // namespace civic

#pragma once
#include <vector>

#include "core/error.hpp"
#include "db/migrations.hpp"
#include "realtime/event_log.hpp"

// What each capability declares in its own folder, collected at start-up: adding a capability
// adds one line in each function of capabilities.cpp that it needs (its routes are added in
// http/dispatcher.cpp, one line).
namespace ps {

// Every event type the log holds, with how it is replayed.
realtime::event_catalog event_types();

// Every step of the schema, the foundation's and each capability's, in version order. Throws
// std::logic_error when two share a version.
std::vector<db::migration> migrations();

// Every capability's own refusals. Throws std::logic_error when two share a code, or one takes
// a code of core's (error_code), or one has an empty message or a status outside 400–499.
std::vector<const error_kind*> declared_errors();

}  // namespace ps

#pragma once
#include "realtime/event_log.hpp"

// What each capability declares, collected at start-up: adding a capability adds one line in
// each function of capabilities.cpp (its routes are added in http/dispatcher.cpp, one line).
namespace ps {

// Every event type the log holds, with how it is replayed.
realtime::event_catalog event_types();

}  // namespace ps

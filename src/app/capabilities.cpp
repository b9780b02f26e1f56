#include "app/capabilities.hpp"

#include "chat/events.hpp"
#include "communities/events.hpp"

namespace ps {

realtime::event_catalog event_types() {
  realtime::event_catalog catalog;
  chat::add_event_types(catalog);
  communities::add_event_types(catalog);
  return catalog;
}

}  // namespace ps

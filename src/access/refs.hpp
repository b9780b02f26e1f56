#pragma once
#include <string>

#include "chat/model.hpp"
#include "communities/model.hpp"

// The proofs of access. Each has a private constructor: only the policy (access/policy.cpp,
// through the class `gate` that only it defines) makes one, so a function that takes a ref
// cannot be reached by someone the policy did not let in.
namespace ps::access {

class gate;

// The caller is a current member of `place`.
class member_ref {
 public:
  communities::community place;
  communities::membership self;
  bool is_host() const { return communities::is_host(self.member_role); }

 private:
  member_ref(communities::community c, communities::membership m)
      : place(std::move(c)), self(std::move(m)) {}
  friend class gate;
};

// The caller may see the room `place` (a member of its community, and one of its participants
// when only they see it), with what the rules of a room need to know about them there.
class channel_ref {
 public:
  chat::channel place;
  communities::role member_role = communities::role::member;
  std::string member_name;  // the caller's display name, for what they post
  bool is_host() const { return communities::is_host(member_role); }

 private:
  channel_ref(chat::channel c, communities::role r, std::string name)
      : place(std::move(c)), member_role(r), member_name(std::move(name)) {}
  friend class gate;
};

}  // namespace ps::access

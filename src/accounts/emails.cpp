#include "accounts/emails.hpp"

#include <fmt/format.h>

namespace ps::accounts {

mail::draft login_link_email(const account& to, const std::string& url) {
  const bool fr = to.lang == locale::fr;
  mail::draft d;
  d.to = to.email;
  d.subject = fr ? "Ton lien de connexion à Petite Salle" : "Your Petite Salle log-in link";
  d.body = fr ? fmt::format(
                    "Bonjour {},\n\nVoici ton lien pour te connecter à Petite Salle. Il "
                    "fonctionne une seule fois, pendant 15 minutes :\n\n{}\n\nSi tu n’as rien "
                    "demandé, ignore ce courriel : personne ne peut entrer sans ce lien.\n",
                    to.display_name, url)
              : fmt::format(
                    "Hello {},\n\nHere is your link to log in to Petite Salle. It works once, for "
                    "15 minutes:\n\n{}\n\nIf you did not ask for it, ignore this email: nobody "
                    "can get in without this link.\n",
                    to.display_name, url);
  return d;
}

}  // namespace ps::accounts

#include "newsletter/render.hpp"

#include "markdown/markdown.hpp"
#include "markdown/safe_html.hpp"

namespace ps::newsletter {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  markdown::safe_html::append_escaped(out, text);
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
}

std::string first_name(const std::string& name) {
  const auto space = name.find(' ');
  return space == std::string::npos ? name : name.substr(0, space);
}

constexpr const char* font =
    "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

struct words {
  const char* hello;       // "Bonjour %s,"
  const char* hello_anon;  // "Bonjour,"
  const char* why;         // why you get this
  const char* unsubscribe;
  const char* web;
  const char* tracking;
  const char* sent_by;
};

constexpr words fr{"Bonjour {},",
                   "Bonjour,",
                   "Tu reçois cette infolettre parce que tu es membre de {} ou que tu t’y es "
                   "abonné·e.",
                   "Me désabonner",
                   "Lire sur le Web",
                   "Cette infolettre compte les ouvertures (une image invisible) et les clics "
                   "(ses liens passent par le site de la communauté).",
                   "Envoyé par"};
constexpr words en{"Hello {},",
                   "Hello,",
                   "You get this newsletter because you are a member of {} or subscribed to it.",
                   "Unsubscribe",
                   "Read on the web",
                   "This newsletter counts opens (an invisible image) and clicks (its links go "
                   "through the community's site).",
                   "Sent by"};

std::string with(std::string_view pattern, const std::string& value) {
  std::string out(pattern);
  replace_all(out, "{}", value);
  return out;
}

}  // namespace

std::string body_html(const issue& i, const std::string& public_url) {
  std::string html = render_markdown(i.body);
  // Relative links and images (files of this server) become absolute.
  replace_all(html, "href=\"/", "href=\"" + public_url + "/");
  replace_all(html, "src=\"/", "src=\"" + public_url + "/");
  // Inline styles: mail clients drop <style> blocks.
  replace_all(html, "<a ", "<a style=\"color:#9a3412;text-decoration:underline;\" ");
  replace_all(html, "<img ", "<img style=\"max-width:100%;height:auto;border:0;\" ");
  replace_all(html, "<h1>", "<h1 style=\"font-size:24px;line-height:1.3;margin:24px 0 12px;\">");
  replace_all(html, "<h2>", "<h2 style=\"font-size:20px;line-height:1.3;margin:20px 0 10px;\">");
  replace_all(html, "<p>", "<p style=\"margin:0 0 16px;\">");
  replace_all(html, "<blockquote>",
              "<blockquote style=\"margin:0 0 16px;padding-left:12px;border-left:3px solid "
              "#d6cfc4;color:#57534e;\">");
  return html;
}

mail::draft email_for(const issue& i, const std::string& html, const sender& from,
                      const personal& to, const std::string& community_slug,
                      const std::string& public_domain) {
  const words& w = to.locale == "en" ? en : fr;
  const std::string who = from.of.sender_name.empty() ? from.community_name : from.of.sender_name;
  const std::string name = first_name(to.name);
  const std::string hello = name.empty() ? w.hello_anon : with(w.hello, name);

  mail::draft d;
  d.to = to.email;
  d.subject = i.subject;
  d.from_name = who;
  d.topic = "newsletter:" + std::to_string(i.id);
  d.headers = {{"List-Id", "<" + community_slug + ".newsletter." + public_domain + ">"},
               {"List-Unsubscribe", "<" + to.one_click_url + ">"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"Precedence", "bulk"}};

  // The plain part: the Markdown as written reads well as text.
  std::string text = hello + "\n\n" + i.body + "\n\n-- \n" + with(w.why, from.community_name) +
                     "\n" + w.unsubscribe + " : " + to.unsubscribe_url + "\n";
  if (!to.archive_url.empty()) text += std::string(w.web) + " : " + to.archive_url + "\n";
  text += std::string(w.sent_by) + " " + who;
  if (!from.of.postal_address.empty()) text += ", " + from.of.postal_address;
  text += "\n";
  if (!to.open_pixel_url.empty()) text += std::string(w.tracking) + "\n";
  d.body = std::move(text);

  std::string h;
  h += "<!DOCTYPE html><html lang=\"" + to.locale +
       "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><meta "
       "name=\"supported-color-schemes\" content=\"light dark\"><title>" +
       escaped(i.subject) + "</title></head>";
  h += "<body style=\"margin:0;padding:0;background-color:#f5f2ed;\">";
  // The preview text: what inboxes show after the subject, hidden in the email itself.
  if (!i.preview_text.empty())
    h += "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all;\">" +
         escaped(i.preview_text) + "</div>";
  h += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
       "style=\"background-color:#f5f2ed;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">"
       "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
       "style=\"max-width:600px;background-color:#ffffff;border-radius:8px;\">";
  h += "<tr><td style=\"padding:28px 28px 8px;" + std::string(font) +
       "font-size:16px;line-height:1.6;color:#1c1917;\">";
  h += "<p style=\"margin:0 0 20px;font-size:13px;letter-spacing:.04em;text-transform:uppercase;"
       "color:#78716c;\">" +
       escaped(from.community_name) + "</p>";
  h += "<p style=\"margin:0 0 16px;\">" + escaped(hello) + "</p>";
  h += html;
  h += "</td></tr><tr><td style=\"padding:16px 28px 28px;border-top:1px solid #e7e5e4;" +
       std::string(font) + "font-size:13px;line-height:1.5;color:#78716c;\">";
  h += "<p style=\"margin:0 0 8px;\">" + escaped(with(w.why, from.community_name)) + "</p>";
  h += "<p style=\"margin:0 0 8px;\"><a style=\"color:#78716c;\" href=\"" +
       escaped(to.unsubscribe_url) + "\">" + w.unsubscribe + "</a>";
  if (!to.archive_url.empty())
    h +=
        " · <a style=\"color:#78716c;\" href=\"" + escaped(to.archive_url) + "\">" + w.web + "</a>";
  h += "</p><p style=\"margin:0;\">" + std::string(w.sent_by) + " " + escaped(who);
  if (!from.of.postal_address.empty()) h += ", " + escaped(from.of.postal_address);
  h += "</p>";
  if (!to.open_pixel_url.empty())
    h += "<p style=\"margin:8px 0 0;\">" + std::string(w.tracking) + "</p><img src=\"" +
         escaped(to.open_pixel_url) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"border:0;\">";
  h += "</td></tr></table></td></tr></table></body></html>";
  d.html = std::move(h);
  return d;
}

}  // namespace ps::newsletter

#pragma once
#include "core/error.hpp"

// The refusals of the newsletter, collected at start-up by app/capabilities.cpp.
namespace ps::newsletter {

inline constexpr error_kind not_editable{
    409, "newsletter_not_editable", "Ce numéro ne peut plus changer : son envoi a commencé.",
    "This issue can no longer change: it has started sending."};

inline constexpr error_kind invalid_send_time{
    422, "invalid_send_time", "Choisis un moment à venir, d’ici un an au plus, pour l’envoi.",
    "Pick a time to come, within a year, for the sending."};

inline constexpr error_kind form_off{404, "subscription_form_off",
                                     "Cette communauté n’a pas de formulaire d’abonnement.",
                                     "This community has no subscription form."};

inline constexpr error_kind invalid_form_token{
    422, "invalid_form_token",
    "Le formulaire a expiré ou a été envoyé trop vite : recharge la page et réessaie.",
    "The form expired or was sent too quickly: reload the page and try again."};

inline constexpr error_kind invalid_token{
    404, "invalid_token", "Ce lien n’est pas valable : il a peut-être été mal copié.",
    "This link is not valid: it may have been copied wrongly."};

inline constexpr error_kind invalid_csv{
    422, "invalid_csv",
    "Ce fichier CSV n’a pas de colonne « email » (ou « Email Address ») sur sa première ligne.",
    "This CSV file has no “email” (or “Email Address”) column on its first line."};

// The images of an issue's body (newsletter/images.hpp), named as the field `body`.
inline constexpr error_kind image_not_attachable{
    422, "newsletter_image_not_allowed",
    "Une image de ce numéro n’est pas un de tes téléversements dans cette communauté, ou elle est "
    "déjà jointe ailleurs : téléverse-la de nouveau.",
    "An image of this issue is not one of your uploads in this community, or it is attached "
    "elsewhere already: upload it again."};
inline constexpr error_kind too_many_images{
    422, "too_many_newsletter_images",
    "Un numéro peut montrer au plus 20 images téléversées : retires-en quelques-unes.",
    "An issue can show at most 20 uploaded images: remove a few."};

inline constexpr const error_kind* declared_errors[] = {
    &not_editable, &invalid_send_time,    &form_off,       &invalid_form_token, &invalid_token,
    &invalid_csv,  &image_not_attachable, &too_many_images};

}  // namespace ps::newsletter

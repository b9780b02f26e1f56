#pragma once
#include "core/error.hpp"

// The refusals of files and images, collected at start-up by app/capabilities.cpp.
namespace ps::files {

inline constexpr error_kind storage_full{
    413, "storage_full",
    "L’espace de stockage de cette communauté est plein : un·e hôte peut faire de la place en "
    "supprimant des fichiers.",
    "This community’s storage is full: a host can make room by deleting files."};
inline constexpr error_kind file_type_mismatch{
    422, "file_type_mismatch",
    "Le contenu de ce fichier ne correspond pas à son nom (son extension dit autre chose).",
    "This file’s content does not match its name (its extension says otherwise)."};
inline constexpr error_kind image_too_large{
    422, "image_too_large",
    "Cette image est trop grande (plus de 50 millions de pixels) : réduis-la avant de l’envoyer.",
    "This image is too large (over 50 million pixels): make it smaller before sending it."};
inline constexpr error_kind image_unreadable{
    422, "image_unreadable",
    "Cette image est illisible ou abîmée. Essaie de l’exporter en JPEG ou en PNG.",
    "This image cannot be read or is damaged. Try exporting it as JPEG or PNG."};
inline constexpr error_kind file_in_use{
    409, "file_in_use", "Ce fichier est joint à un message : supprime le message pour le retirer.",
    "This file is attached to a message: delete the message to remove it."};

inline constexpr const error_kind* declared_errors[] = {
    &storage_full, &file_type_mismatch, &image_too_large, &image_unreadable, &file_in_use};

}  // namespace ps::files

// Every screen of the newsletter (issue 15), one chunk loaded on first use (lazy.ts): most
// visits never open it, and the first load stays small.
export { NewslettersPage } from './list_view';
export { EditorPage } from './editor';
export { IssuePage } from './issue_view';
export { ConfirmPage, PublicIssuePage, SubscribePage, UnsubscribePage } from './public_pages';
export { NewsletterCard } from './settings_card';

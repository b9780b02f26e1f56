// The newsletter's screens inside a community (issue 15), for app.tsx's routes.
export { NewslettersPage } from './list_view';
export { EditorPage } from './editor';
export { IssuePage } from './issue_view';

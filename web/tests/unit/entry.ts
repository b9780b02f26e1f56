// What the unit tests reach: the app's plain modules, bundled for Node by tests/unit/run.mjs.
export * as api from '../../src/api';
export * as i18n from '../../src/i18n';
export { fr } from '../../src/i18n/fr';
export { en } from '../../src/i18n/en';
export * as state from '../../src/state';
export * as chat from '../../src/chat/state';
export * as communities from '../../src/communities/state';
export { dispatch, positions, resume_frame, forget_positions, start_stream, stop_stream } from '../../src/stream';
export * as journal from '../../src/journal';
export * as account_session from '../../src/accounts/session';
export * as sessions_ui from '../../src/accounts/sessions';
export * as checklist from '../../src/host/checklist';
export { is_local_address } from '../../src/host/host';
export * as drafts from '../../src/chat/drafts';
export * as typing from '../../src/chat/typing';
export * as emoji from '../../src/chat/emoji';
export * as joins from '../../src/chat/joins';
export * as board from '../../src/board/state';

import { render } from 'preact';
import './styles.css';
import { App } from './app';
import { locale, set_locale } from './i18n';
import { load_me } from './accounts/session';
import { watch_presence } from './presence';
import { watch_service_worker } from './notifications/push';

set_locale(locale());
render(<App />, document.getElementById('app')!);
void load_me();
watch_presence();
watch_service_worker();

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}

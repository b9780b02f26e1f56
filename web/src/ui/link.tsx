import type { ComponentChildren } from 'preact';
import { navigate } from '../state';

/** An <a> that changes route without reloading; modified clicks still open new tabs. */
export function Link(p: { href: string; class?: string; children: ComponentChildren; 'aria-label'?: string; 'aria-current'?: 'page' | undefined; onClick?: () => void }) {
  const { href, children, onClick, ...rest } = p;
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onClick?.();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

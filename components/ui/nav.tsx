'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';

export function Nav({ items, who }: { items: { href: string; label: string }[]; who: { name: string; roles: string[] } }) {
  const pathname = usePathname();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">segflow</div>
      {items.map((item) => (
        <Link key={item.href} href={item.href} aria-current={pathname.startsWith(item.href) ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
      <div className="who">
        <div data-testid="who">{who.name}</div>
        <div>{who.roles.join(', ')}</div>
        <Link href="/settings/tokens">API tokens</Link>
        <div>
          <button type="button" className="secondary" onClick={() => signOut({ callbackUrl: '/signin' })}>
            Sign out
          </button>
        </div>
      </div>
    </nav>
  );
}

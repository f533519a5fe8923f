import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/ui/providers';
import './globals.css';

// Rendered per request, never at build time: Next.js can only put the CSP nonce of proxy.ts on the
// scripts of a page it renders for that request (a prerendered page's scripts would be blocked).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'segflow', description: 'Segmentation pipelines for imaging research' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

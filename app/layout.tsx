import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/ui/providers';
import './globals.css';

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

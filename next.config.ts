import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  // Native and server-only packages stay out of the server bundle.
  serverExternalPackages: ['onnxruntime-node', '@electric-sql/pglite', '@electric-sql/pglite-socket', 's3rver', 'postgres', 'dcmjs'],
  poweredByHeader: false,
  // nosniff, no framing, referrer policy … on every response; the CSP (with its nonce) comes from proxy.ts
  async headers() {
    return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
  },
  // Types are checked once by `npm test` (tsc --noEmit over the whole repo), not again on every start.
  typescript: { ignoreBuildErrors: true },
  webpack(config, { isServer }) {
    if (!isServer) {
      // Cornerstone's codec packages reference node built-ins they never use in the browser.
      config.resolve.fallback = { ...config.resolve.fallback, fs: false, path: false };
    }
    return config;
  },
};

export default nextConfig;

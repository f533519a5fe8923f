import { NextResponse } from 'next/server';
import { loadSigningKey } from '@/lib/manifests/signing-key';
import { publicKeyDocument } from '@/lib/manifests/public-key-document';

// Public by design: anyone holding a manifest must be able to check that the platform signed it.
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return NextResponse.json(publicKeyDocument(loadSigningKey()), { headers: { 'cache-control': 'public, max-age=300' } });
}

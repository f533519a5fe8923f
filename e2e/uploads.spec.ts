import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNifti } from '../lib/uploads/test/make-nifti';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';

const CT = join(process.cwd(), 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const T1 = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');

test('a CT series and a NIfTI volume go to storage and show on the study page', async ({ page }) => {
  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  const dicoms = readdirSync(CT)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => join(CT, f));
  expect(dicoms).toHaveLength(30);
  await upload.addFiles([...dicoms, T1]);
  await upload.waitDone();
  await expect(page.locator('[data-testid="upload-file"][data-phase="verified"]')).toHaveCount(31);
  await upload.openStudy();
  await expect(upload.seriesRows()).toHaveCount(1);
  await expect(upload.seriesRows().getByTestId('series-instances')).toHaveText('30');
  await expect(upload.seriesRows().getByTestId('series-dims')).toHaveText('512×512');
  await expect(upload.volumeRows()).toHaveCount(1);
  await expect(upload.volumeRows().getByTestId('volume-dims')).toHaveText('256×256×256');

  // the studies list finds it by modality, through the URL; a filter nothing matches says so
  const label = ((await page.getByRole('heading', { name: /^Study / }).textContent()) ?? '').replace(/^Study /, '').trim();
  await page.goto('/studies?project=demo');
  const filters = page.getByRole('form', { name: 'Filter studies' });
  await filters.getByLabel('Modality').fill('CT');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/[?&]modality=CT(&|$)/);
  await expect(page.getByTestId('study-row').filter({ hasText: label })).toHaveCount(1);
  for (const text of await page.getByTestId('study-row').locator('td:nth-child(4)').allInnerTexts()) expect(text.split(', ')).toContain('CT');
  await filters.getByLabel('Subject').fill('no-such-subject');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No studies match')).toBeVisible();
  await page.screenshot({ path: 'test-results/studies-filtered-empty.png', fullPage: true });
  await filters.getByRole('link', { name: 'Clear' }).click();
  await expect(page.getByTestId('study-row').filter({ hasText: label })).toHaveCount(1);
});

test('a multipart upload interrupted by a reload resumes, resends only missing parts, and the object matches', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-e2e-'));
  const path = join(dir, 'resume-40mib.nii');
  const bytes = makeNifti([256, 256, 320]); // 40 MiB + header: 6 parts of 8 MiB
  writeFileSync(path, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  // hold parts 3+ so the reload lands after exactly parts 1 and 2 are stored
  await page.route(/\/raw-phi\//, async (route) => {
    const n = Number(new URL(route.request().url()).searchParams.get('partNumber') ?? 0);
    if (n >= 3) return; // never answered: lost with the page
    await route.continue();
  });
  await upload.addFiles([path]);
  await expect(upload.file('resume-40mib.nii')).toHaveAttribute('data-sent-parts', '2', { timeout: 60_000 });
  // reload while parts 3+ are held (unrouting first would let them through)
  await page.reload();
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  await expect(upload.resumeBanner()).toBeVisible();
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes('/raw-phi/')) sent.push(new URL(r.url()).searchParams.get('partNumber') ?? 'single');
  });
  await upload.addFiles([path]);
  await upload.waitDone();
  await expect(upload.file('resume-40mib.nii')).toHaveAttribute('data-phase', 'verified');
  await expect(upload.file('resume-40mib.nii')).toHaveAttribute('data-resumed-parts', '2');
  expect(sent.sort()).toEqual(['3', '4', '5', '6']);

  // the stored object, read back from the store, has the file's SHA-256
  const rt = JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/runtime.json'), 'utf8')) as {
    s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
  };
  const s3 = new S3Client({
    endpoint: rt.s3.endpoint,
    region: rt.s3.region,
    forcePathStyle: true,
    credentials: rt.s3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: rt.s3.bucket, Prefix: 'raw-phi/' }));
  const candidates = (listed.Contents ?? []).filter((o) => o.Size === bytes.length);
  const hashes = await Promise.all(
    candidates.map(async (o) =>
      createHash('sha256')
        .update(await (await s3.send(new GetObjectCommand({ Bucket: rt.s3.bucket, Key: o.Key }))).Body!.transformToByteArray())
        .digest('hex'),
    ),
  );
  expect(hashes).toContain(sha256);
});

test('bad files each get a message naming the problem, and the good ones are kept', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-e2e-bad-'));
  const good = join(dir, 'small.nii');
  writeFileSync(good, makeNifti([16, 16, 8]));
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'meeting notes, not an image');
  const empty = join(dir, 'empty.dcm');
  writeFileSync(empty, '');
  const truncated = join(process.cwd(), 'fixtures/dicom/malformed/pydicom/MR_truncated.dcm');

  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  await upload.addFiles([good, notes, empty, truncated]);
  await upload.waitDone();
  await expect(upload.file('small.nii')).toHaveAttribute('data-phase', 'verified');
  await expect(upload.file('notes.txt').getByRole('alert')).toContainText('notes.txt');
  await expect(upload.file('notes.txt').getByRole('alert')).toContainText('not a DICOM or NIfTI');
  await expect(upload.file('empty.dcm').getByRole('alert')).toContainText('empty');
  await expect(upload.file('MR_truncated.dcm').getByRole('alert')).toContainText('MR_truncated.dcm');
  await expect(page.getByTestId('upload-done')).toContainText('0 series and 1 volume; 3 files of this upload rejected');
  await upload.openStudy();
  await expect(upload.volumeRows()).toHaveCount(1);

  // NIfTI carries no modality or body part: the researcher states them for the model's domain check
  const facts = upload.volumeRows().getByTestId('volume-facts');
  await expect(facts).toHaveText('not stated: a model cannot check its input domain');
  await upload.volumeRows().getByLabel('Body part').fill('head/neck');
  await upload.volumeRows().getByRole('button', { name: 'State' }).click();
  await expect(upload.volumeRows().getByRole('alert')).toContainText('bodyPart: expected up to 16 letters');
  await upload.volumeRows().getByLabel('Modality').selectOption('MR');
  await upload.volumeRows().getByLabel('Body part').fill('head');
  await upload.volumeRows().getByRole('button', { name: 'State' }).click();
  await expect(facts).toHaveText('MR · HEAD');
  await expect(upload.volumeRows().getByLabel('Body part')).toHaveValue('HEAD');
  await page.screenshot({ path: test.info().outputPath('study-volume-facts.png'), fullPage: true });
});

test('pause holds an upload and resume finishes it', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-e2e-pause-'));
  const path = join(dir, 'pause-40mib.nii');
  writeFileSync(path, makeNifti([256, 256, 320]));
  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  await upload.addFiles([path]);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(upload.file('pause-40mib.nii')).not.toHaveAttribute('data-phase', 'verified');
  await page.getByRole('button', { name: 'Resume' }).click();
  await upload.waitDone();
  await expect(upload.file('pause-40mib.nii')).toHaveAttribute('data-phase', 'verified');
});

test('a SEG uploaded with its CT shows as a segmentation, offered to no model; a broken .zip is listed as not added', async ({ page }) => {
  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  // a .zip that is not one: said at once, naming it, and nothing else of the drop is lost
  const dir = mkdtempSync(join(tmpdir(), 'segflow-e2e-zip-'));
  const broken = join(dir, 'broken.zip');
  writeFileSync(broken, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
  await upload.addFiles([broken]);
  await expect(page.getByTestId('not-added')).toContainText('broken.zip: not a readable .zip archive');
  await page.screenshot({ path: test.info().outputPath('upload-broken-zip.png'), fullPage: true });

  const LIVER = join(process.cwd(), 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg');
  await upload.addFiles([...['01.dcm', '02.dcm', '03.dcm'].map((f) => join(LIVER, 'ct', f)), join(LIVER, 'liver_seg.dcm')]);
  await upload.waitDone();
  await upload.openStudy();
  await expect(upload.seriesRows()).toHaveCount(2);
  // rows by their Modality cell ("Segment with…" contains "seg" too)
  const seg = upload.seriesRows().filter({ has: page.getByRole('cell', { name: 'SEG', exact: true }) });
  await expect(seg.getByTestId('not-segmentable')).toContainText('a DICOM Segmentation');
  await expect(seg.getByRole('button', { name: /^Segment/ })).toHaveCount(0);
  const ct = upload.seriesRows().filter({ has: page.getByRole('cell', { name: 'CT', exact: true }) });
  await expect(ct.getByRole('button', { name: /^Segment/ })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('study-with-seg.png'), fullPage: true });
});

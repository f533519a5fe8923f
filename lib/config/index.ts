/** The one place segflow's configuration is read: `import { config } from '@/lib/config'`. */
export { config, parseConfig, resetConfig, type Config, type ExecutorKind, type S3Settings } from './config';
export { appUrl, databaseUrl, migrationUrl, readRuntimeFile, runtimeFilePath, s3Settings, ZRuntimeFile, type TRuntimeFile } from './runtime-file';

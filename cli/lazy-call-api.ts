/** callApi, loaded when a command runs: `segflow --help` loads no command's code (README: the prebuilt CLI) */
export async function callApi<T>(...args: Parameters<typeof import('@/lib/platform/call-api').callApi>): Promise<T> {
  const { callApi } = await import('@/lib/platform/call-api');
  return callApi<T>(...args);
}
